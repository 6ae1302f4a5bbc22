// Generated from lib/api/schema by `npm run gen:types`. Do not edit.
// Package mesos.v1.scheduler: Mesos v1 messages with Mesos's field names. Type-only.

import type * as v1 from './mesos.ts';
import type * as scheduler from './scheduler.ts';

export interface Event {
  type?: scheduler.Event.Type;
  subscribed?: scheduler.Event.Subscribed;
  offers?: scheduler.Event.Offers;
  inverse_offers?: scheduler.Event.InverseOffers;
  rescind?: scheduler.Event.Rescind;
  rescind_inverse_offer?: scheduler.Event.RescindInverseOffer;
  update?: scheduler.Event.Update;
  update_operation_status?: scheduler.Event.UpdateOperationStatus;
  message?: scheduler.Event.Message;
  failure?: scheduler.Event.Failure;
  error?: scheduler.Event.Error;
}
export namespace Event {
  export type Type =
    | 'UNKNOWN'
    | 'SUBSCRIBED'
    | 'OFFERS'
    | 'INVERSE_OFFERS'
    | 'RESCIND'
    | 'RESCIND_INVERSE_OFFER'
    | 'UPDATE'
    | 'UPDATE_OPERATION_STATUS'
    | 'MESSAGE'
    | 'FAILURE'
    | 'ERROR'
    | 'HEARTBEAT';
  export interface Subscribed {
    framework_id: v1.FrameworkID;
    heartbeat_interval_seconds?: number;
    master_info?: v1.MasterInfo;
  }
  export interface Offers {
    offers?: v1.Offer[];
  }
  export interface InverseOffers {
    inverse_offers?: v1.InverseOffer[];
  }
  export interface Rescind {
    offer_id: v1.OfferID;
  }
  export interface RescindInverseOffer {
    inverse_offer_id: v1.OfferID;
  }
  export interface Update {
    status: v1.TaskStatus;
  }
  export interface UpdateOperationStatus {
    status: v1.OperationStatus;
  }
  export interface Message {
    agent_id: v1.AgentID;
    executor_id: v1.ExecutorID;
    data: string /* base64 */;
  }
  export interface Failure {
    agent_id?: v1.AgentID;
    executor_id?: v1.ExecutorID;
    status?: number;
  }
  export interface Error {
    message: string;
  }
  /** Event narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { type: 'SUBSCRIBED'; subscribed: scheduler.Event.Subscribed; }
    | { type: 'OFFERS'; offers: scheduler.Event.Offers; }
    | { type: 'INVERSE_OFFERS'; inverse_offers: scheduler.Event.InverseOffers; }
    | { type: 'RESCIND'; rescind: scheduler.Event.Rescind; }
    | { type: 'RESCIND_INVERSE_OFFER'; rescind_inverse_offer: scheduler.Event.RescindInverseOffer; }
    | { type: 'UPDATE'; update: scheduler.Event.Update; }
    | { type: 'UPDATE_OPERATION_STATUS'; update_operation_status: scheduler.Event.UpdateOperationStatus; }
    | { type: 'MESSAGE'; message: scheduler.Event.Message; }
    | { type: 'FAILURE'; failure: scheduler.Event.Failure; }
    | { type: 'ERROR'; error: scheduler.Event.Error; }
    | { type: 'HEARTBEAT'; };
}

export interface Response {
  type?: scheduler.Response.Type;
  /** @deprecated */ reconcile_operations?: scheduler.Response.ReconcileOperations;
}
export namespace Response {
  export type Type =
    | 'UNKNOWN'
    | 'RECONCILE_OPERATIONS';
  export interface ReconcileOperations {
    /** @deprecated */ operation_statuses?: v1.OperationStatus[];
  }
  /** Response narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { type: 'RECONCILE_OPERATIONS'; reconcile_operations: scheduler.Response.ReconcileOperations; };
}

export interface AttributeConstraint {
  selector: scheduler.AttributeConstraint.Selector;
  predicate: scheduler.AttributeConstraint.Predicate;
}
export namespace AttributeConstraint {
  export interface Selector {
    pseudoattribute_type?: scheduler.AttributeConstraint.Selector.PseudoattributeType;
    attribute_name?: string;
  }
  export namespace Selector {
    export type PseudoattributeType =
      | 'UNKNOWN'
      | 'HOSTNAME'
      | 'REGION'
      | 'ZONE';
  }
  export interface Predicate {
    exists?: scheduler.AttributeConstraint.Predicate.Exists;
    not_exists?: scheduler.AttributeConstraint.Predicate.NotExists;
    text_equals?: scheduler.AttributeConstraint.Predicate.TextEquals;
    text_not_equals?: scheduler.AttributeConstraint.Predicate.TextNotEquals;
    text_matches?: scheduler.AttributeConstraint.Predicate.TextMatches;
    text_not_matches?: scheduler.AttributeConstraint.Predicate.TextNotMatches;
  }
  export namespace Predicate {
    export interface Exists {}
    export interface NotExists {}
    export interface TextEquals {
      value: string;
    }
    export interface TextNotEquals {
      value: string;
    }
    export interface TextMatches {
      regex: string;
    }
    export interface TextNotMatches {
      regex: string;
    }
  }
}

export interface OfferConstraints {
  role_constraints?: Record<string, scheduler.OfferConstraints.RoleConstraints>;
}
export namespace OfferConstraints {
  export interface RoleConstraints {
    groups?: scheduler.OfferConstraints.RoleConstraints.Group[];
  }
  export namespace RoleConstraints {
    export interface Group {
      attribute_constraints?: scheduler.AttributeConstraint[];
    }
  }
}

export interface Call {
  framework_id?: v1.FrameworkID;
  type?: scheduler.Call.Type;
  subscribe?: scheduler.Call.Subscribe;
  accept?: scheduler.Call.Accept;
  decline?: scheduler.Call.Decline;
  accept_inverse_offers?: scheduler.Call.AcceptInverseOffers;
  decline_inverse_offers?: scheduler.Call.DeclineInverseOffers;
  revive?: scheduler.Call.Revive;
  kill?: scheduler.Call.Kill;
  shutdown?: scheduler.Call.Shutdown;
  acknowledge?: scheduler.Call.Acknowledge;
  acknowledge_operation_status?: scheduler.Call.AcknowledgeOperationStatus;
  reconcile?: scheduler.Call.Reconcile;
  reconcile_operations?: scheduler.Call.ReconcileOperations;
  message?: scheduler.Call.Message;
  request?: scheduler.Call.Request;
  suppress?: scheduler.Call.Suppress;
  update_framework?: scheduler.Call.UpdateFramework;
}
export namespace Call {
  export type Type =
    | 'UNKNOWN'
    | 'SUBSCRIBE'
    | 'TEARDOWN'
    | 'ACCEPT'
    | 'DECLINE'
    | 'ACCEPT_INVERSE_OFFERS'
    | 'DECLINE_INVERSE_OFFERS'
    | 'REVIVE'
    | 'KILL'
    | 'SHUTDOWN'
    | 'ACKNOWLEDGE'
    | 'ACKNOWLEDGE_OPERATION_STATUS'
    | 'RECONCILE'
    | 'RECONCILE_OPERATIONS'
    | 'MESSAGE'
    | 'REQUEST'
    | 'SUPPRESS'
    | 'UPDATE_FRAMEWORK';
  export interface Subscribe {
    framework_info: v1.FrameworkInfo;
    suppressed_roles?: string[];
    offer_constraints?: scheduler.OfferConstraints;
  }
  export interface Accept {
    offer_ids?: v1.OfferID[];
    operations?: v1.Offer.Operation[];
    filters?: v1.Filters;
  }
  export interface Decline {
    offer_ids?: v1.OfferID[];
    filters?: v1.Filters;
  }
  export interface AcceptInverseOffers {
    inverse_offer_ids?: v1.OfferID[];
    filters?: v1.Filters;
  }
  export interface DeclineInverseOffers {
    inverse_offer_ids?: v1.OfferID[];
    filters?: v1.Filters;
  }
  export interface Revive {
    roles?: string[];
  }
  export interface Kill {
    task_id: v1.TaskID;
    agent_id?: v1.AgentID;
    kill_policy?: v1.KillPolicy;
  }
  export interface Shutdown {
    executor_id: v1.ExecutorID;
    agent_id: v1.AgentID;
  }
  export interface Acknowledge {
    agent_id: v1.AgentID;
    task_id: v1.TaskID;
    uuid: string /* base64 */;
  }
  export interface AcknowledgeOperationStatus {
    agent_id?: v1.AgentID;
    resource_provider_id?: v1.ResourceProviderID;
    uuid: string /* base64 */;
    operation_id: v1.OperationID;
  }
  export interface Reconcile {
    tasks?: scheduler.Call.Reconcile.Task[];
  }
  export namespace Reconcile {
    export interface Task {
      task_id: v1.TaskID;
      agent_id?: v1.AgentID;
    }
  }
  export interface ReconcileOperations {
    operations?: scheduler.Call.ReconcileOperations.Operation[];
  }
  export namespace ReconcileOperations {
    export interface Operation {
      operation_id: v1.OperationID;
      agent_id?: v1.AgentID;
      resource_provider_id?: v1.ResourceProviderID;
    }
  }
  export interface Message {
    agent_id: v1.AgentID;
    executor_id: v1.ExecutorID;
    data: string /* base64 */;
  }
  export interface Request {
    requests?: v1.Request[];
  }
  export interface Suppress {
    roles?: string[];
  }
  export interface UpdateFramework {
    framework_info: v1.FrameworkInfo;
    suppressed_roles?: string[];
    offer_constraints?: scheduler.OfferConstraints;
  }
  /** Call narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { framework_id?: v1.FrameworkID; type: 'SUBSCRIBE'; subscribe: scheduler.Call.Subscribe; }
    | { framework_id?: v1.FrameworkID; type: 'TEARDOWN'; }
    | { framework_id?: v1.FrameworkID; type: 'ACCEPT'; accept: scheduler.Call.Accept; }
    | { framework_id?: v1.FrameworkID; type: 'DECLINE'; decline: scheduler.Call.Decline; }
    | { framework_id?: v1.FrameworkID; type: 'ACCEPT_INVERSE_OFFERS'; accept_inverse_offers: scheduler.Call.AcceptInverseOffers; }
    | { framework_id?: v1.FrameworkID; type: 'DECLINE_INVERSE_OFFERS'; decline_inverse_offers: scheduler.Call.DeclineInverseOffers; }
    | { framework_id?: v1.FrameworkID; type: 'REVIVE'; revive: scheduler.Call.Revive; }
    | { framework_id?: v1.FrameworkID; type: 'KILL'; kill: scheduler.Call.Kill; }
    | { framework_id?: v1.FrameworkID; type: 'SHUTDOWN'; shutdown: scheduler.Call.Shutdown; }
    | { framework_id?: v1.FrameworkID; type: 'ACKNOWLEDGE'; acknowledge: scheduler.Call.Acknowledge; }
    | { framework_id?: v1.FrameworkID; type: 'ACKNOWLEDGE_OPERATION_STATUS'; acknowledge_operation_status: scheduler.Call.AcknowledgeOperationStatus; }
    | { framework_id?: v1.FrameworkID; type: 'RECONCILE'; reconcile: scheduler.Call.Reconcile; }
    | { framework_id?: v1.FrameworkID; type: 'RECONCILE_OPERATIONS'; reconcile_operations: scheduler.Call.ReconcileOperations; }
    | { framework_id?: v1.FrameworkID; type: 'MESSAGE'; message: scheduler.Call.Message; }
    | { framework_id?: v1.FrameworkID; type: 'REQUEST'; request: scheduler.Call.Request; }
    | { framework_id?: v1.FrameworkID; type: 'SUPPRESS'; suppress: scheduler.Call.Suppress; }
    | { framework_id?: v1.FrameworkID; type: 'UPDATE_FRAMEWORK'; update_framework: scheduler.Call.UpdateFramework; };
}

export interface APIResult {
  status_code: number;
  response?: scheduler.Response;
  error?: string;
}
