import { proto } from './dsl.ts';

// Mesos v1 `scheduler/scheduler.proto` (package mesos.v1.scheduler). Unqualified mesos types
// (FrameworkID, Offer, ...) resolve to mesos.v1 by proto scoping.
export default proto('mesos.v1.scheduler', {
  Event: [
    'optional Type type = 1',
    'optional Subscribed subscribed = 2',
    'optional Offers offers = 3',
    'optional InverseOffers inverse_offers = 9',
    'optional Rescind rescind = 4',
    'optional RescindInverseOffer rescind_inverse_offer = 10',
    'optional Update update = 5',
    'optional UpdateOperationStatus update_operation_status = 11',
    'optional Message message = 6',
    'optional Failure failure = 7',
    'optional Error error = 8',
  ],
  'Event.Type': {
    enum: [
      'UNKNOWN = 0',
      'SUBSCRIBED = 1',
      'OFFERS = 2',
      'INVERSE_OFFERS = 9',
      'RESCIND = 3',
      'RESCIND_INVERSE_OFFER = 10',
      'UPDATE = 4',
      'UPDATE_OPERATION_STATUS = 11',
      'MESSAGE = 5',
      'FAILURE = 6',
      'ERROR = 7',
      'HEARTBEAT = 8',
    ],
  },
  'Event.Subscribed': [
    'required FrameworkID framework_id = 1',
    'optional double heartbeat_interval_seconds = 2',
    'optional MasterInfo master_info = 3',
  ],
  'Event.Offers': ['repeated Offer offers = 1'],
  'Event.InverseOffers': ['repeated InverseOffer inverse_offers = 1'],
  'Event.Rescind': ['required OfferID offer_id = 1'],
  'Event.RescindInverseOffer': ['required OfferID inverse_offer_id = 1'],
  'Event.Update': ['required TaskStatus status = 1'],
  'Event.UpdateOperationStatus': ['required OperationStatus status = 1'],
  'Event.Message': [
    'required AgentID agent_id = 1',
    'required ExecutorID executor_id = 2',
    'required bytes data = 3',
  ],
  'Event.Failure': [
    'optional AgentID agent_id = 1',
    'optional ExecutorID executor_id = 2',
    'optional int32 status = 3',
  ],
  'Event.Error': ['required string message = 1'],

  Response: [
    'optional Type type = 1',
    'optional ReconcileOperations reconcile_operations = 2 [deprecated]',
  ],
  // Mesos also marks RECONCILE_OPERATIONS itself deprecated; the DSL has no enum value options.
  'Response.Type': { enum: ['UNKNOWN = 0', 'RECONCILE_OPERATIONS = 1'] },
  'Response.ReconcileOperations': ['repeated OperationStatus operation_statuses = 1 [deprecated]'],

  AttributeConstraint: [
    'required Selector selector = 1',
    'required Predicate predicate = 2',
  ],
  // `oneof selector` members.
  'AttributeConstraint.Selector': [
    'optional PseudoattributeType pseudoattribute_type = 1',
    'optional string attribute_name = 2',
  ],
  'AttributeConstraint.Selector.PseudoattributeType': {
    enum: ['UNKNOWN = 0', 'HOSTNAME = 1', 'REGION = 2', 'ZONE = 3'],
  },
  // `oneof predicate` members.
  'AttributeConstraint.Predicate': [
    'optional Exists exists = 1',
    'optional NotExists not_exists = 2',
    'optional TextEquals text_equals = 3',
    'optional TextNotEquals text_not_equals = 4',
    'optional TextMatches text_matches = 5',
    'optional TextNotMatches text_not_matches = 6',
  ],
  'AttributeConstraint.Predicate.Exists': [],
  'AttributeConstraint.Predicate.NotExists': [],
  'AttributeConstraint.Predicate.TextEquals': ['required string value = 1'],
  'AttributeConstraint.Predicate.TextNotEquals': ['required string value = 1'],
  'AttributeConstraint.Predicate.TextMatches': ['required string regex = 1'],
  'AttributeConstraint.Predicate.TextNotMatches': ['required string regex = 1'],

  OfferConstraints: ['map<string, RoleConstraints> role_constraints = 1'],
  'OfferConstraints.RoleConstraints': ['repeated Group groups = 1'],
  'OfferConstraints.RoleConstraints.Group': ['repeated AttributeConstraint attribute_constraints = 1'],

  Call: [
    'optional FrameworkID framework_id = 1',
    'optional Type type = 2',
    'optional Subscribe subscribe = 3',
    'optional Accept accept = 4',
    'optional Decline decline = 5',
    'optional AcceptInverseOffers accept_inverse_offers = 13',
    'optional DeclineInverseOffers decline_inverse_offers = 14',
    'optional Revive revive = 15',
    'optional Kill kill = 6',
    'optional Shutdown shutdown = 7',
    'optional Acknowledge acknowledge = 8',
    'optional AcknowledgeOperationStatus acknowledge_operation_status = 17',
    'optional Reconcile reconcile = 9',
    'optional ReconcileOperations reconcile_operations = 18',
    'optional Message message = 10',
    'optional Request request = 11',
    'optional Suppress suppress = 16',
    'optional UpdateFramework update_framework = 19',
  ],
  'Call.Type': {
    enum: [
      'UNKNOWN = 0',
      'SUBSCRIBE = 1',
      'TEARDOWN = 2',
      'ACCEPT = 3',
      'DECLINE = 4',
      'ACCEPT_INVERSE_OFFERS = 13',
      'DECLINE_INVERSE_OFFERS = 14',
      'REVIVE = 5',
      'KILL = 6',
      'SHUTDOWN = 7',
      'ACKNOWLEDGE = 8',
      'ACKNOWLEDGE_OPERATION_STATUS = 15',
      'RECONCILE = 9',
      'RECONCILE_OPERATIONS = 16',
      'MESSAGE = 10',
      'REQUEST = 11',
      'SUPPRESS = 12',
      'UPDATE_FRAMEWORK = 17',
    ],
  },
  'Call.Subscribe': [
    'required FrameworkInfo framework_info = 1',
    'repeated string suppressed_roles = 2',
    'optional OfferConstraints offer_constraints = 3',
  ],
  'Call.Accept': [
    'repeated OfferID offer_ids = 1',
    'repeated Offer.Operation operations = 2',
    'optional Filters filters = 3',
  ],
  'Call.Decline': [
    'repeated OfferID offer_ids = 1',
    'optional Filters filters = 2',
  ],
  'Call.AcceptInverseOffers': [
    'repeated OfferID inverse_offer_ids = 1',
    'optional Filters filters = 2',
  ],
  'Call.DeclineInverseOffers': [
    'repeated OfferID inverse_offer_ids = 1',
    'optional Filters filters = 2',
  ],
  'Call.Revive': ['repeated string roles = 1'],
  'Call.Kill': [
    'required TaskID task_id = 1',
    'optional AgentID agent_id = 2',
    'optional KillPolicy kill_policy = 3',
  ],
  'Call.Shutdown': [
    'required ExecutorID executor_id = 1',
    'required AgentID agent_id = 2',
  ],
  'Call.Acknowledge': [
    'required AgentID agent_id = 1',
    'required TaskID task_id = 2',
    'required bytes uuid = 3',
  ],
  'Call.AcknowledgeOperationStatus': [
    'optional AgentID agent_id = 1',
    'optional ResourceProviderID resource_provider_id = 2',
    'required bytes uuid = 3',
    'required OperationID operation_id = 4',
  ],
  'Call.Reconcile': ['repeated Task tasks = 1'],
  'Call.Reconcile.Task': [
    'required TaskID task_id = 1',
    'optional AgentID agent_id = 2',
  ],
  'Call.ReconcileOperations': ['repeated Operation operations = 1'],
  // `Operation` here is the nested type, not mesos.v1.Operation.
  'Call.ReconcileOperations.Operation': [
    'required OperationID operation_id = 1',
    'optional AgentID agent_id = 2',
    'optional ResourceProviderID resource_provider_id = 3',
  ],
  'Call.Message': [
    'required AgentID agent_id = 1',
    'required ExecutorID executor_id = 2',
    'required bytes data = 3',
  ],
  'Call.Request': ['repeated mesos.v1.Request requests = 1'],
  'Call.Suppress': ['repeated string roles = 1'],
  'Call.UpdateFramework': [
    'required FrameworkInfo framework_info = 1',
    'repeated string suppressed_roles = 2',
    'optional OfferConstraints offer_constraints = 3',
  ],

  APIResult: [
    'required uint32 status_code = 1',
    'optional Response response = 2',
    'optional string error = 3',
  ],
});
