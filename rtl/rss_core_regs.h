/* rss_core register map. Generated from rss-model::regmap; do not edit. */
#ifndef RSS_CORE_REGS_H
#define RSS_CORE_REGS_H

#define RSS_ADDR_BITS 13u

/* Block identifier. */
#define RSS_ID_OFFSET 0x0000u
#define RSS_ID_RESET 0x52535343u
#define RSS_ID_BLOCK_TYPE_SHIFT 0u
#define RSS_ID_BLOCK_TYPE_MASK 0xffffffffu

/* Register-interface version. */
#define RSS_VERSION_OFFSET 0x0004u
#define RSS_VERSION_RESET 0x00050000u
#define RSS_VERSION_PATCH_SHIFT 0u
#define RSS_VERSION_PATCH_MASK 0x0000ffffu
#define RSS_VERSION_MINOR_SHIFT 16u
#define RSS_VERSION_MINOR_MASK 0x00ff0000u
#define RSS_VERSION_MAJOR_SHIFT 24u
#define RSS_VERSION_MAJOR_MASK 0xff000000u

/* Sizes of this build. */
#define RSS_CAPS_OFFSET 0x0008u
#define RSS_CAPS_RESET 0x24280607u
#define RSS_CAPS_TABLE_ENTRIES_LOG2_SHIFT 0u
#define RSS_CAPS_TABLE_ENTRIES_LOG2_MASK 0x000000ffu
#define RSS_CAPS_QUEUE_BITS_SHIFT 8u
#define RSS_CAPS_QUEUE_BITS_MASK 0x0000ff00u
#define RSS_CAPS_KEY_BYTES_SHIFT 16u
#define RSS_CAPS_KEY_BYTES_MASK 0x00ff0000u
#define RSS_CAPS_TUPLE_BYTES_SHIFT 24u
#define RSS_CAPS_TUPLE_BYTES_MASK 0xff000000u

/* Queue capabilities. */
#define RSS_QUEUE_CAPS_OFFSET 0x000cu
#define RSS_QUEUE_CAPS_RESET 0x00000040u
#define RSS_QUEUE_CAPS_NUM_QUEUES_SHIFT 0u
#define RSS_QUEUE_CAPS_NUM_QUEUES_MASK 0x0000ffffu

/* Hash types this build can hash. */
#define RSS_HASH_CAPS_OFFSET 0x0010u
#define RSS_HASH_CAPS_RESET 0x000001ffu
#define RSS_HASH_CAPS_SUPPORTED_SHIFT 0u
#define RSS_HASH_CAPS_SUPPORTED_MASK 0x000001ffu

/* VMMQ capabilities. */
#define RSS_VPORT_CAPS_OFFSET 0x0014u
#define RSS_VPORT_CAPS_RESET 0x001f0804u
#define RSS_VPORT_CAPS_VPORTS_SHIFT 0u
#define RSS_VPORT_CAPS_VPORTS_MASK 0x000000ffu
#define RSS_VPORT_CAPS_MAC_FILTERS_SHIFT 8u
#define RSS_VPORT_CAPS_MAC_FILTERS_MASK 0x0000ff00u
#define RSS_VPORT_CAPS_FEATURES_SHIFT 16u
#define RSS_VPORT_CAPS_FEATURES_MASK 0x00ff0000u

/* Highest queue a MOVE may name for the VPort (its queue count - 1). Staged. */
#define RSS_QUEUE_LIMIT_OFFSET 0x0018u
#define RSS_QUEUE_LIMIT_RESET 0x0000003fu
#define RSS_QUEUE_LIMIT_LAST_SHIFT 0u
#define RSS_QUEUE_LIMIT_LAST_MASK 0x0000003fu

/* Which tables TABLE reads. */
#define RSS_TABLE_READ_OFFSET 0x001cu
#define RSS_TABLE_READ_RESET 0x00000000u
#define RSS_TABLE_READ_ACTIVE_SHIFT 0u
#define RSS_TABLE_READ_ACTIVE_MASK 0x00000001u

/* RSS control. Staged. */
#define RSS_CTRL_OFFSET 0x0020u
#define RSS_CTRL_RESET 0x00000000u
#define RSS_CTRL_ENABLE_SHIFT 0u
#define RSS_CTRL_ENABLE_MASK 0x00000001u
#define RSS_CTRL_SYMMETRIC_SHIFT 1u
#define RSS_CTRL_SYMMETRIC_MASK 0x00000002u

/* Enabled hash types. Staged. */
#define RSS_HASH_TYPES_OFFSET 0x0024u
#define RSS_HASH_TYPES_RESET 0x00000000u
#define RSS_HASH_TYPES_ENABLED_SHIFT 0u
#define RSS_HASH_TYPES_ENABLED_MASK 0x000001ffu

/* Indirection entries in use: the table is indexed by the low LOG2 bits of the hash. Staged; 0 (one entry) after reset, the initial state of seed 002. */
#define RSS_TABLE_SIZE_OFFSET 0x0028u
#define RSS_TABLE_SIZE_RESET 0x00000000u
#define RSS_TABLE_SIZE_LOG2_SHIFT 0u
#define RSS_TABLE_SIZE_LOG2_MASK 0x0000000fu

/* Queue for packets with no hash while RSS is enabled (NDIS default processor). Staged. */
#define RSS_DEFAULT_QUEUE_OFFSET 0x002cu
#define RSS_DEFAULT_QUEUE_RESET 0x00000000u
#define RSS_DEFAULT_QUEUE_QUEUE_SHIFT 0u
#define RSS_DEFAULT_QUEUE_QUEUE_MASK 0x0000003fu

/* Queue for every packet while RSS is disabled (NDIS primary processor). Staged. */
#define RSS_PRIMARY_QUEUE_OFFSET 0x0030u
#define RSS_PRIMARY_QUEUE_RESET 0x00000000u
#define RSS_PRIMARY_QUEUE_QUEUE_SHIFT 0u
#define RSS_PRIMARY_QUEUE_QUEUE_MASK 0x0000003fu

/* Applies staged state to a VPort. */
#define RSS_COMMIT_OFFSET 0x0034u
#define RSS_COMMIT_RESET 0x00000000u
#define RSS_COMMIT_PARAMS_SHIFT 0u
#define RSS_COMMIT_PARAMS_MASK 0x00000001u
#define RSS_COMMIT_TABLE_SHIFT 1u
#define RSS_COMMIT_TABLE_MASK 0x00000002u
#define RSS_COMMIT_VPORT_SHIFT 8u
#define RSS_COMMIT_VPORT_MASK 0x00000700u

/* Status. */
#define RSS_STATUS_OFFSET 0x0038u
#define RSS_STATUS_RESET 0x00000000u
#define RSS_STATUS_COMMIT_GENERATION_SHIFT 0u
#define RSS_STATUS_COMMIT_GENERATION_MASK 0x0000ffffu

/* Records dropped with the record FIFO full (tap mode). */
#define RSS_RECORD_DROPS_OFFSET 0x003cu
#define RSS_RECORD_DROPS_RESET 0x00000000u
#define RSS_RECORD_DROPS_COUNT_SHIFT 0u
#define RSS_RECORD_DROPS_COUNT_MASK 0xffffffffu

/* Staged Toeplitz secret key (read back: staged words). */
#define RSS_KEY_OFFSET 0x0040u
#define RSS_KEY_COUNT 10u
#define RSS_KEY_STRIDE 4u
#define RSS_KEY_RESET 0x00000000u
#define RSS_KEY_WORD_SHIFT 0u
#define RSS_KEY_WORD_MASK 0xffffffffu

/* Moves one entry of a VPort's active table (RSSv2 SET_INDIRECTION_TABLE_ENTRIES). Refused with SLVERR, changing nothing but MOVE_STATUS, when ENTRY is not below the VPort's active table size or QUEUE is above its active queue limit. */
#define RSS_MOVE_OFFSET 0x0068u
#define RSS_MOVE_RESET 0x00000000u
#define RSS_MOVE_ENTRY_SHIFT 0u
#define RSS_MOVE_ENTRY_MASK 0x000003ffu
#define RSS_MOVE_QUEUE_SHIFT 12u
#define RSS_MOVE_QUEUE_MASK 0x000ff000u
#define RSS_MOVE_VPORT_SHIFT 24u
#define RSS_MOVE_VPORT_MASK 0x07000000u

/* Result of the last MOVE. */
#define RSS_MOVE_STATUS_OFFSET 0x006cu
#define RSS_MOVE_STATUS_RESET 0x00000000u
#define RSS_MOVE_STATUS_RESULT_SHIFT 0u
#define RSS_MOVE_STATUS_RESULT_MASK 0x00000003u
#define RSS_MOVE_STATUS_COUNT_SHIFT 16u
#define RSS_MOVE_STATUS_COUNT_MASK 0xffff0000u

/* Destination-MAC filter entry n, low part. */
#define RSS_MAC_FILTER_LO_OFFSET 0x0080u
#define RSS_MAC_FILTER_LO_COUNT 8u
#define RSS_MAC_FILTER_LO_STRIDE 4u
#define RSS_MAC_FILTER_LO_RESET 0x00000000u
#define RSS_MAC_FILTER_LO_ADDR_SHIFT 0u
#define RSS_MAC_FILTER_LO_ADDR_MASK 0xffffffffu

/* Destination-MAC filter entry n, high part, valid bit and VPort. A frame goes to the VPort of the lowest valid entry matching its destination MAC, else to VPort 0. */
#define RSS_MAC_FILTER_HI_OFFSET 0x00c0u
#define RSS_MAC_FILTER_HI_COUNT 8u
#define RSS_MAC_FILTER_HI_STRIDE 4u
#define RSS_MAC_FILTER_HI_RESET 0x00000000u
#define RSS_MAC_FILTER_HI_ADDR_SHIFT 0u
#define RSS_MAC_FILTER_HI_ADDR_MASK 0x0000ffffu
#define RSS_MAC_FILTER_HI_VALID_SHIFT 16u
#define RSS_MAC_FILTER_HI_VALID_MASK 0x00010000u
#define RSS_MAC_FILTER_HI_VPORT_SHIFT 24u
#define RSS_MAC_FILTER_HI_VPORT_MASK 0x07000000u

/* Active RSS state of VPort n. */
#define RSS_VPORT_STATE_OFFSET 0x0100u
#define RSS_VPORT_STATE_COUNT 4u
#define RSS_VPORT_STATE_STRIDE 4u
#define RSS_VPORT_STATE_RESET 0x00000000u
#define RSS_VPORT_STATE_ENABLE_SHIFT 0u
#define RSS_VPORT_STATE_ENABLE_MASK 0x00000001u
#define RSS_VPORT_STATE_SYMMETRIC_SHIFT 1u
#define RSS_VPORT_STATE_SYMMETRIC_MASK 0x00000002u
#define RSS_VPORT_STATE_TABLE_SIZE_LOG2_SHIFT 4u
#define RSS_VPORT_STATE_TABLE_SIZE_LOG2_MASK 0x000000f0u
#define RSS_VPORT_STATE_HASH_TYPES_SHIFT 16u
#define RSS_VPORT_STATE_HASH_TYPES_MASK 0x01ff0000u

/* Active queues of VPort n. */
#define RSS_VPORT_QUEUES_OFFSET 0x0120u
#define RSS_VPORT_QUEUES_COUNT 4u
#define RSS_VPORT_QUEUES_STRIDE 4u
#define RSS_VPORT_QUEUES_RESET 0x003f0000u
#define RSS_VPORT_QUEUES_DEFAULT_SHIFT 0u
#define RSS_VPORT_QUEUES_DEFAULT_MASK 0x000000ffu
#define RSS_VPORT_QUEUES_PRIMARY_SHIFT 8u
#define RSS_VPORT_QUEUES_PRIMARY_MASK 0x0000ff00u
#define RSS_VPORT_QUEUES_LIMIT_SHIFT 16u
#define RSS_VPORT_QUEUES_LIMIT_MASK 0x00ff0000u

/* Shadow indirection tables: element v * 2^CAPS.TABLE_ENTRIES_LOG2 + n is entry n of VPort v's shadow table, swapped in by COMMIT.TABLE. Kept across rst (block RAM); zero after configuration. */
#define RSS_TABLE_OFFSET 0x1000u
#define RSS_TABLE_COUNT 512u
#define RSS_TABLE_STRIDE 4u
#define RSS_TABLE_RESET 0x00000000u
#define RSS_TABLE_QUEUE_SHIFT 0u
#define RSS_TABLE_QUEUE_MASK 0x0000003fu

/* Refused register writes since reset (a refused read answers SLVERR only). The one register a refused write changes. */
#define RSS_REFUSED_OFFSET 0x0170u
#define RSS_REFUSED_RESET 0x00000000u
#define RSS_REFUSED_WRITES_SHIFT 0u
#define RSS_REFUSED_WRITES_MASK 0x0000ffffu
#define RSS_REFUSED_MOVES_SHIFT 16u
#define RSS_REFUSED_MOVES_MASK 0xffff0000u

/* Statistics: element v * 16 + c counts VPort v's records of class c: 0..8 hashed with the hash type of HASH_TYPES bit c, 9 not hashed (RSS disabled, type not enabled or not hashable), 10 malformed; 11..15 reserved (0). Every record is in one class: a VPort's frames are the sum of its 16 elements. */
#define RSS_COUNTERS_OFFSET 0x0400u
#define RSS_COUNTERS_COUNT 64u
#define RSS_COUNTERS_STRIDE 4u
#define RSS_COUNTERS_RESET 0x00000000u
#define RSS_COUNTERS_COUNT_SHIFT 0u
#define RSS_COUNTERS_COUNT_MASK 0xffffffffu

/* Hash probe input: the hash input a PROBE write hashes. */
#define RSS_PROBE_INPUT_OFFSET 0x0140u
#define RSS_PROBE_INPUT_COUNT 9u
#define RSS_PROBE_INPUT_STRIDE 4u
#define RSS_PROBE_INPUT_RESET 0x00000000u
#define RSS_PROBE_INPUT_WORD_SHIFT 0u
#define RSS_PROBE_INPUT_WORD_MASK 0xffffffffu

/* Hash probe: hashes PROBE_INPUT as a frame of hash type TYPE on VPORT would be hashed and steered, through the datapath's own hash unit, key and table, and answers once PROBE_HASH and PROBE_RESULT hold the result. Nothing is steered; frames keep their order. */
#define RSS_PROBE_OFFSET 0x0164u
#define RSS_PROBE_RESET 0x00000000u
#define RSS_PROBE_TYPE_SHIFT 0u
#define RSS_PROBE_TYPE_MASK 0x0000000fu
#define RSS_PROBE_VPORT_SHIFT 8u
#define RSS_PROBE_VPORT_MASK 0x00000700u

/* Hash of the last probe. */
#define RSS_PROBE_HASH_OFFSET 0x0168u
#define RSS_PROBE_HASH_RESET 0x00000000u
#define RSS_PROBE_HASH_VALUE_SHIFT 0u
#define RSS_PROBE_HASH_VALUE_MASK 0xffffffffu

/* Queue choice of the last probe, by the rule frames are steered by. */
#define RSS_PROBE_RESULT_OFFSET 0x016cu
#define RSS_PROBE_RESULT_RESET 0x00000000u
#define RSS_PROBE_RESULT_QUEUE_SHIFT 0u
#define RSS_PROBE_RESULT_QUEUE_MASK 0x0000003fu
#define RSS_PROBE_RESULT_HASHED_SHIFT 8u
#define RSS_PROBE_RESULT_HASHED_MASK 0x00000100u
#define RSS_PROBE_RESULT_COUNT_SHIFT 16u
#define RSS_PROBE_RESULT_COUNT_MASK 0xffff0000u

/* Steering record port fields (m_axis_rss_<field>). */
#define RSS_RECORD_HASH_BITS 32u
#define RSS_RECORD_HASH_TYPE_BITS 9u
#define RSS_RECORD_QUEUE_BITS 8u
#define RSS_RECORD_FLAGS_BITS 3u
#define RSS_RECORD_LENGTH_BITS 16u
#define RSS_RECORD_FLAG_MALFORMED 0x1u
#define RSS_RECORD_FLAG_FRAGMENT 0x2u

#endif /* RSS_CORE_REGS_H */
