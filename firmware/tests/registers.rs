//! The generated register types against the model's register map, build by build.

use rss_fw::regs::{Field, Register, Value, map};
use rss_model::regmap::{
    LONG_KEY_BYTES, MAX_MAC_FILTERS, MAX_QUEUES, MAX_TABLE_ENTRIES_LOG2, MAX_TABLE_POOL,
    MAX_VPORTS, Params, RegisterMap,
};

/// Builds across every parameter: table sizes x queue counts, each with a VPort and
/// MAC filter count the table window allows.
fn params() -> impl Iterator<Item = Params> {
    (1..=MAX_TABLE_ENTRIES_LOG2).flat_map(|log2| {
        [1, 2, 3, 5, 17, 64, 65, 255, MAX_QUEUES]
            .into_iter()
            .enumerate()
            .map(move |(k, num_queues)| {
                let most = (MAX_TABLE_POOL >> log2).min(MAX_VPORTS.into()) as u8;
                Params {
                    table_entries_log2: log2,
                    num_queues,
                    vports: 1 + (k as u8 % most),
                    mac_filters: 1 + (k as u8 * 5 % MAX_MAC_FILTERS),
                    hash_probe: k % 3 != 0,
                    tx_lookup: k % 2 == 0,
                    key_bytes: if k % 4 == 1 { LONG_KEY_BYTES } else { 40 },
                }
            })
    })
}

/// One register's generated type against every build's map: same offset and index,
/// a count no larger than the widest, equal unless marked per-build; every field at
/// the same position, as wide as the widest build's, equal unless marked per-build.
fn check<R: Register>(fields: &[Field<R>]) {
    for p in params() {
        let map = RegisterMap::new(p).unwrap();
        let reg = map.register(R::INDEX);
        assert_eq!(reg.name, R::NAME);
        assert_eq!(reg.offset, R::OFFSET, "{}", R::NAME);
        assert_eq!(reg.access, R::ACCESS, "{}", R::NAME);
        assert!(reg.count <= R::MAX_COUNT, "{} {p:?}", R::NAME);
        if !R::COUNT_IS_PER_BUILD {
            assert_eq!(reg.count, R::MAX_COUNT, "{}", R::NAME);
        }
        assert_eq!(reg.fields().len(), fields.len(), "{}", R::NAME);
        for (model, generated) in reg.fields().iter().zip(fields) {
            assert_eq!(model.name, generated.name);
            assert_eq!(model.lsb, generated.lsb, "{}.{}", R::NAME, model.name);
            assert!(model.width <= generated.width, "{}.{}", R::NAME, model.name);
            assert!(model.max <= generated.max, "{}.{}", R::NAME, model.name);
            assert!(
                generated.max <= generated.ones(),
                "{}.{}",
                R::NAME,
                model.name
            );
            if !generated.per_build {
                assert_eq!(model.width, generated.width, "{}.{}", R::NAME, model.name);
                assert_eq!(model.max, generated.max, "{}.{}", R::NAME, model.name);
            }
            // Extraction agrees wherever the model's field can hold the value.
            for value in [0, 1, model.max] {
                let word = model.put(value);
                assert_eq!(generated.get(word), value, "{}.{}", R::NAME, model.name);
                let built = Value::<R>::ZERO.with(*generated, value).unwrap();
                assert_eq!(built.word, word, "{}.{}", R::NAME, model.name);
            }
        }
    }
}

#[test]
fn generated_registers_match_the_model_map_of_every_build() {
    use map::*;
    check::<Id>(&[id::BLOCK_TYPE]);
    check::<Version>(&[version::PATCH, version::MINOR, version::MAJOR]);
    check::<Caps>(&[
        caps::TABLE_ENTRIES_LOG2,
        caps::QUEUE_BITS,
        caps::KEY_BYTES,
        caps::TUPLE_BYTES,
    ]);
    check::<QueueCaps>(&[queue_caps::NUM_QUEUES]);
    check::<HashCaps>(&[hash_caps::SUPPORTED]);
    check::<VportCaps>(&[
        vport_caps::VPORTS,
        vport_caps::MAC_FILTERS,
        vport_caps::FEATURES,
    ]);
    check::<QueueLimit>(&[queue_limit::LAST]);
    check::<Ctrl>(&[ctrl::ENABLE, ctrl::SYMMETRIC]);
    check::<HashTypes>(&[hash_types::ENABLED]);
    check::<TableSize>(&[table_size::LOG2]);
    check::<DefaultQueue>(&[default_queue::QUEUE]);
    check::<PrimaryQueue>(&[primary_queue::QUEUE]);
    check::<Commit>(&[commit::PARAMS, commit::TABLE, commit::VPORT]);
    check::<Status>(&[status::COMMIT_GENERATION]);
    check::<RecordDrops>(&[record_drops::COUNT]);
    check::<Key>(&[key::WORD]);
    check::<Move>(&[r#move::ENTRY, r#move::QUEUE, r#move::VPORT]);
    check::<MoveStatus>(&[move_status::RESULT, move_status::COUNT]);
    check::<MacFilterLo>(&[mac_filter_lo::ADDR]);
    check::<MacFilterHi>(&[
        mac_filter_hi::ADDR,
        mac_filter_hi::VALID,
        mac_filter_hi::VPORT,
    ]);
    check::<VportState>(&[
        vport_state::ENABLE,
        vport_state::SYMMETRIC,
        vport_state::TABLE_SIZE_LOG2,
        vport_state::HASH_TYPES,
    ]);
    check::<VportQueues>(&[
        vport_queues::DEFAULT,
        vport_queues::PRIMARY,
        vport_queues::LIMIT,
    ]);
    check::<ProbeInput>(&[probe_input::WORD]);
    check::<Probe>(&[probe::TYPE, probe::VPORT]);
    check::<ProbeHash>(&[probe_hash::VALUE]);
    check::<ProbeResult>(&[
        probe_result::QUEUE,
        probe_result::HASHED,
        probe_result::COUNT,
    ]);
    check::<Table>(&[table::QUEUE]);
    check::<KeyExt>(&[key_ext::WORD]);
    assert_eq!(REGISTER_COUNT, rss_model::regmap::index::COUNT);
}

#[test]
fn per_build_layouts_are_the_ones_that_vary() {
    // The queue field's width and the table's length follow the build; the generator
    // must have noticed, or the driver would not bound them at run time.
    let flags = [
        map::table::QUEUE.per_build,
        map::default_queue::QUEUE.per_build,
        map::table_size::LOG2.per_build,
        map::Table::COUNT_IS_PER_BUILD,
        map::ctrl::ENABLE.per_build,
        map::Key::COUNT_IS_PER_BUILD,
        map::VportState::COUNT_IS_PER_BUILD,
        map::MacFilterHi::COUNT_IS_PER_BUILD,
        map::commit::VPORT.per_build,
        map::r#move::ENTRY.per_build,
        map::commit::PARAMS.per_build,
        map::probe_result::QUEUE.per_build,
        map::probe::VPORT.per_build,
        map::probe::TYPE.per_build,
        map::ProbeInput::COUNT_IS_PER_BUILD,
    ];
    assert_eq!(
        flags,
        [
            true, true, true, true, false, false, true, true, true, true, false, true, true, false,
            false
        ]
    );
}

#[test]
fn a_value_wider_than_its_field_is_refused_not_truncated() {
    let err = Value::<map::Ctrl>::ZERO.with(map::ctrl::ENABLE, 2);
    assert_eq!(
        err.map(|v| v.word),
        Err(rss_fw::Error::ValueOutOfRange {
            register: "CTRL",
            value: 2,
            max: 1
        })
    );
    // A field the map limits below its width: PROBE.TYPE names one of 9 hash types.
    assert_eq!(map::probe::TYPE.max, 8);
    assert!(Value::<map::Probe>::ZERO.with(map::probe::TYPE, 8).is_ok());
    assert_eq!(
        Value::<map::Probe>::ZERO
            .with(map::probe::TYPE, 9)
            .map(|v| v.word),
        Err(rss_fw::Error::ValueOutOfRange {
            register: "PROBE",
            value: 9,
            max: 8
        })
    );
    let v = Value::<map::Version>::from_word(0x0102_0003);
    assert_eq!(
        (
            v.get(map::version::MAJOR),
            v.get(map::version::MINOR),
            v.get(map::version::PATCH)
        ),
        (1, 2, 3)
    );
}
