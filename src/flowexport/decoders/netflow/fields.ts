/**
 * What the decoder does with each information element. A template is compiled once into a list of
 * these small integers (its field plan), so decoding a record is a switch per field with no lookups.
 */
export const F = {
  SKIP: 0,
  BYTES: 1, // octetDeltaCount / IN_BYTES
  PACKETS: 2, // packetDeltaCount / IN_PKTS
  PROTO: 3,
  TCP_FLAGS: 4,
  SRC_PORT: 5,
  DST_PORT: 6,
  SRC_V4: 7,
  DST_V4: 8,
  SRC_V6: 9,
  DST_V6: 10,
  END_UPTIME: 11, // flowEndSysUpTime / LAST_SWITCHED
  START_UPTIME: 12,
  OUT_BYTES: 13, // v9 OUT_BYTES: used when there is no IN_BYTES
  OUT_PACKETS: 14,
  VLAN: 15, // vlanId, dot1qVlanId
  POST_VLAN: 16, // postVlanId, postDot1qVlanId (used when there is no vlanId)
  IP_VERSION: 17,
  TOTAL_BYTES: 18, // octetTotalCount: used when there is no delta
  TOTAL_PACKETS: 19,
  START_S: 20,
  END_S: 21,
  START_MS: 22,
  END_MS: 23,
  START_NTP: 24, // flowStartMicroseconds / Nanoseconds: NTP-format 64-bit timestamps
  END_NTP: 25,
  START_DELTA_US: 26,
  END_DELTA_US: 27,
  SYSTEM_INIT_MS: 28,
  INITIATOR_BYTES: 29,
  RESPONDER_BYTES: 30,
  INITIATOR_PACKETS: 31,
  RESPONDER_PACKETS: 32,
  BIFLOW_DIRECTION: 33,
  REV_BYTES: 34,
  REV_PACKETS: 35,
  REV_TCP_FLAGS: 36,
  REV_TOTAL_BYTES: 37,
  REV_TOTAL_PACKETS: 38,
  SAMPLER_ID: 39, // samplerId, flowSamplerId, selectorId
  SAMPLING_INTERVAL: 40, // samplingInterval, samplerRandomInterval, FLOW_SAMPLER_RANDOM_INTERVAL
  SAMPLING_PKT_INTERVAL: 41, // samplingPacketInterval (305): packets selected ...
  SAMPLING_PKT_SPACE: 42, // samplingPacketSpace (306): ... then packets skipped
  SAMPLING_POPULATION: 43, // samplingPopulation (310) with samplingSize (309): one in population/size
  SAMPLING_SIZE: 44,
  OBSERVATION_MS: 46, // observationTimeMilliseconds (323): event records (NAT) without start/end
  OBSERVATION_S: 47,
  DATALINK: 45,
  FRAME_SIZE: 48, // dataLinkFrameSize (312): the sampled frame's length on the wire
  IN_IF: 50, // ingressInterface / INPUT_SNMP (10)
  OUT_IF: 51, // egressInterface / OUTPUT_SNMP (14)
  ICMP_TYPE_CODE: 49, // icmpTypeCodeIPv4/IPv6 (32, 139): type * 256 + code, as v5 puts it in the destination port // dataLinkFrameSection (315): a sampled frame's first bytes, opened by the packet decoder
} as const;

/** RFC 5103 reverse information elements are the forward ids under this private enterprise number. */
export const REVERSE_PEN = 29305;

const FORWARD: Record<number, number> = {
  1: F.BYTES, 2: F.PACKETS, 4: F.PROTO, 6: F.TCP_FLAGS, 7: F.SRC_PORT, 8: F.SRC_V4, 10: F.IN_IF, 11: F.DST_PORT, 14: F.OUT_IF,
  12: F.DST_V4, 21: F.END_UPTIME, 32: F.ICMP_TYPE_CODE, 139: F.ICMP_TYPE_CODE, 22: F.START_UPTIME, 27: F.SRC_V6, 28: F.DST_V6,
  34: F.SAMPLING_INTERVAL, 48: F.SAMPLER_ID, 49: F.SKIP, 50: F.SAMPLING_INTERVAL, 58: F.VLAN, 59: F.POST_VLAN,
  60: F.IP_VERSION, 85: F.TOTAL_BYTES, 86: F.TOTAL_PACKETS, 150: F.START_S, 151: F.END_S, 152: F.START_MS,
  153: F.END_MS, 154: F.START_NTP, 155: F.END_NTP, 156: F.START_NTP, 157: F.END_NTP, 158: F.START_DELTA_US,
  159: F.END_DELTA_US, 160: F.SYSTEM_INIT_MS, 231: F.INITIATOR_BYTES, 232: F.RESPONDER_BYTES,
  239: F.BIFLOW_DIRECTION, 243: F.VLAN, 254: F.POST_VLAN, 298: F.INITIATOR_PACKETS, 299: F.RESPONDER_PACKETS,
  302: F.SAMPLER_ID, 305: F.SAMPLING_PKT_INTERVAL, 306: F.SAMPLING_PKT_SPACE, 309: F.SAMPLING_SIZE,
  310: F.SAMPLING_POPULATION, 312: F.FRAME_SIZE, 315: F.DATALINK, 322: F.OBSERVATION_S, 323: F.OBSERVATION_MS,
};

/** NetFlow v9 only (ids that IPFIX later gave other names keep their v9 meaning here). */
const V9_ONLY: Record<number, number> = { 23: F.OUT_BYTES, 24: F.OUT_PACKETS };

const REVERSE: Record<number, number> = {
  1: F.REV_BYTES, 2: F.REV_PACKETS, 6: F.REV_TCP_FLAGS, 85: F.REV_TOTAL_BYTES, 86: F.REV_TOTAL_PACKETS,
};

/** Kind of field `id` (enterprise `pen`, 0 for none) in a v9 or IPFIX template. */
export function kindFor(id: number, pen: number, v9: boolean): number {
  if (pen !== 0) return pen === REVERSE_PEN ? (REVERSE[id] ?? F.SKIP) : F.SKIP;
  if (v9) {
    const k = V9_ONLY[id];
    if (k !== undefined) return k;
  }
  return FORWARD[id] ?? F.SKIP;
}

/** Fields that must have exactly this length to be read (addresses); others are unsigned integers of any length 1..8. */
export function exactLength(kind: number): number {
  switch (kind) {
    case F.SRC_V4:
    case F.DST_V4:
      return 4;
    case F.SRC_V6:
    case F.DST_V6:
      return 16;
    default:
      return 0;
  }
}

/** Fields read whatever their length (not integers). */
export function isOpaque(kind: number): boolean {
  return kind === F.DATALINK;
}
