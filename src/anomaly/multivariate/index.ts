// Multivariate per-host anomaly detection: the public face of src/anomaly/multivariate.
export { HostAnomalyModel, DEFAULT_MEMBERS, type HostAnomalyModelParams, type HostFitOptions, type HostScores, type MetricContribution, type AttributionWeights, type MatrixLike } from './host-anomaly-model.js';
export { EcdfNormaliser, type EcdfNormaliserParams, type SerializedEcdfNormaliser } from './ecdf-normaliser.js';
export { MEMBER_NAMES, createMember, memberFromJSON, type MemberName, type MemberDetector, type MemberParams, type IsolationForestMemberParams, type LofMemberParams, type OcsvmMemberParams, type PcaMemberParams, type LstmMemberParams } from './member-detectors.js';
export { windowsEndingAt, evenlySpaced } from './window-features.js';
