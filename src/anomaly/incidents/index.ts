/**
 * Incidents: anomalies close in time and topology become one incident with one correlation id
 * (`IncidentCorrelator`), suppression keeps planned work and noise out of alerts (`suppressAnomaly`,
 * `AlertGate`), and alerts leave by signed, retried webhooks (`WebhookDelivery`). The correlator
 * and the gate are pure and checkpointable; only the webhook does I/O.
 */
export {
  IncidentCorrelator,
  DEFAULT_CORRELATOR_OPTIONS,
  seededId,
  type AnomalyObservation,
  type CorrelatorOptions,
  type CorrelatorState,
  type Incident,
  type IncidentEvent,
  type IncidentEventKind,
  type IncidentMember,
  type IncidentStatus,
  type ResolveReason,
  type TopologyKey,
} from './incident-correlator.js';
export {
  AlertGate,
  suppressAnomaly,
  suppressIncident,
  type AlertGateState,
  type GateResult,
  type MaintenanceWindow,
  type MuteRule,
  type RuleScope,
  type SuppressibleAnomaly,
  type SuppressionDecision,
  type SuppressionRules,
} from './suppression.js';
export {
  WebhookDelivery,
  DEFAULT_WEBHOOK_OPTIONS,
  SIGNATURE_HEADER,
  DELIVERY_HEADER,
  EVENT_HEADER,
  ATTEMPT_HEADER,
  signBody,
  verifySignature,
  incidentEventMessage,
  incidentToWire,
  type DeadLetter,
  type DeadLetterReason,
  type DeliveryReceipt,
  type WebhookLogger,
  type WebhookMessage,
  type WebhookOptions,
  type WebhookStats,
} from './webhook-delivery.js';
