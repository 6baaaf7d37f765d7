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
#define RSS_VERSION_RESET 0x00010000u
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

/* RSS control. */
#define RSS_CTRL_OFFSET 0x0020u
#define RSS_CTRL_RESET 0x00000000u
#define RSS_CTRL_ENABLE_SHIFT 0u
#define RSS_CTRL_ENABLE_MASK 0x00000001u

/* Enabled hash types. */
#define RSS_HASH_TYPES_OFFSET 0x0024u
#define RSS_HASH_TYPES_RESET 0x00000000u
#define RSS_HASH_TYPES_ENABLED_SHIFT 0u
#define RSS_HASH_TYPES_ENABLED_MASK 0x000001ffu

/* Indirection entries in use: the table is indexed by the low LOG2 bits of the hash. */
#define RSS_TABLE_SIZE_OFFSET 0x0028u
#define RSS_TABLE_SIZE_RESET 0x00000007u
#define RSS_TABLE_SIZE_LOG2_SHIFT 0u
#define RSS_TABLE_SIZE_LOG2_MASK 0x0000000fu

/* Queue for packets with no hash while RSS is enabled (NDIS default processor). */
#define RSS_DEFAULT_QUEUE_OFFSET 0x002cu
#define RSS_DEFAULT_QUEUE_RESET 0x00000000u
#define RSS_DEFAULT_QUEUE_QUEUE_SHIFT 0u
#define RSS_DEFAULT_QUEUE_QUEUE_MASK 0x0000003fu

/* Queue for every packet while RSS is disabled (NDIS primary processor). */
#define RSS_PRIMARY_QUEUE_OFFSET 0x0030u
#define RSS_PRIMARY_QUEUE_RESET 0x00000000u
#define RSS_PRIMARY_QUEUE_QUEUE_SHIFT 0u
#define RSS_PRIMARY_QUEUE_QUEUE_MASK 0x0000003fu

/* Key commit strobe. */
#define RSS_KEY_COMMIT_OFFSET 0x0034u
#define RSS_KEY_COMMIT_RESET 0x00000000u
#define RSS_KEY_COMMIT_COMMIT_SHIFT 0u
#define RSS_KEY_COMMIT_COMMIT_MASK 0x00000001u

/* Status. */
#define RSS_STATUS_OFFSET 0x0038u
#define RSS_STATUS_RESET 0x00000000u
#define RSS_STATUS_KEY_GENERATION_SHIFT 0u
#define RSS_STATUS_KEY_GENERATION_MASK 0x0000ffffu

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

/* Indirection table: entry n steers hashes whose low bits equal n. Kept across rst (block RAM); zero after configuration. */
#define RSS_TABLE_OFFSET 0x1000u
#define RSS_TABLE_COUNT 128u
#define RSS_TABLE_STRIDE 4u
#define RSS_TABLE_RESET 0x00000000u
#define RSS_TABLE_QUEUE_SHIFT 0u
#define RSS_TABLE_QUEUE_MASK 0x0000003fu

/* Steering record port fields (m_axis_rss_<field>). */
#define RSS_RECORD_HASH_BITS 32u
#define RSS_RECORD_HASH_TYPE_BITS 9u
#define RSS_RECORD_QUEUE_BITS 8u
#define RSS_RECORD_FLAGS_BITS 3u
#define RSS_RECORD_LENGTH_BITS 16u
#define RSS_RECORD_FLAG_MALFORMED 0x1u
#define RSS_RECORD_FLAG_FRAGMENT 0x2u

#endif /* RSS_CORE_REGS_H */
