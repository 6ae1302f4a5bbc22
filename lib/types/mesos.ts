// Generated from lib/api/schema by `npm run gen:types`. Do not edit.
// Package mesos.v1: Mesos v1 messages with Mesos's field names. Type-only.

import type * as v1 from './mesos.ts';

export type Status =
  | 'DRIVER_NOT_STARTED'
  | 'DRIVER_RUNNING'
  | 'DRIVER_ABORTED'
  | 'DRIVER_STOPPED';

export interface FrameworkID {
  value: string;
}

export interface OfferID {
  value: string;
}

export interface AgentID {
  value: string;
}

export interface TaskID {
  value: string;
}

export interface ExecutorID {
  value: string;
}

export interface ContainerID {
  value: string;
  parent?: v1.ContainerID;
}

export interface ResourceProviderID {
  value: string;
}

export interface OperationID {
  value: string;
}

export interface TimeInfo {
  nanoseconds: number;
}

export interface DurationInfo {
  nanoseconds: number;
}

export interface Address {
  hostname?: string;
  ip?: string;
  port: number;
}

export interface URL {
  scheme: string;
  address: v1.Address;
  path?: string;
  query?: v1.Parameter[];
  fragment?: string;
}

export interface Unavailability {
  start: v1.TimeInfo;
  duration?: v1.DurationInfo;
}

export interface MachineID {
  hostname?: string;
  ip?: string;
}

export interface MachineInfo {
  id: v1.MachineID;
  mode?: v1.MachineInfo.Mode;
  unavailability?: v1.Unavailability;
}
export namespace MachineInfo {
  export type Mode =
    | 'UP'
    | 'DRAINING'
    | 'DOWN';
}

export interface FrameworkInfo {
  user: string;
  name: string;
  id?: v1.FrameworkID;
  failover_timeout?: number;
  checkpoint?: boolean;
  /** @deprecated */ role?: string;
  roles?: string[];
  hostname?: string;
  principal?: string;
  webui_url?: string;
  capabilities?: v1.FrameworkInfo.Capability[];
  labels?: v1.Labels;
  offer_filters?: Record<string, v1.OfferFilters>;
}
export namespace FrameworkInfo {
  export interface Capability {
    type?: v1.FrameworkInfo.Capability.Type;
  }
  export namespace Capability {
    export type Type =
      | 'UNKNOWN'
      | 'REVOCABLE_RESOURCES'
      | 'TASK_KILLING_STATE'
      | 'GPU_RESOURCES'
      | 'SHARED_RESOURCES'
      | 'PARTITION_AWARE'
      | 'MULTI_ROLE'
      | 'RESERVATION_REFINEMENT'
      | 'REGION_AWARE';
  }
}

export interface CheckInfo {
  type?: v1.CheckInfo.Type;
  command?: v1.CheckInfo.Command;
  http?: v1.CheckInfo.Http;
  tcp?: v1.CheckInfo.Tcp;
  delay_seconds?: number;
  interval_seconds?: number;
  timeout_seconds?: number;
}
export namespace CheckInfo {
  export type Type =
    | 'UNKNOWN'
    | 'COMMAND'
    | 'HTTP'
    | 'TCP';
  export interface Command {
    command: v1.CommandInfo;
  }
  export interface Http {
    port: number;
    path?: string;
  }
  export interface Tcp {
    port: number;
  }
  /** CheckInfo narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { delay_seconds?: number; interval_seconds?: number; timeout_seconds?: number; type: 'COMMAND'; command: v1.CheckInfo.Command; }
    | { delay_seconds?: number; interval_seconds?: number; timeout_seconds?: number; type: 'HTTP'; http: v1.CheckInfo.Http; }
    | { delay_seconds?: number; interval_seconds?: number; timeout_seconds?: number; type: 'TCP'; tcp: v1.CheckInfo.Tcp; };
}

export interface HealthCheck {
  delay_seconds?: number;
  interval_seconds?: number;
  timeout_seconds?: number;
  consecutive_failures?: number;
  grace_period_seconds?: number;
  type?: v1.HealthCheck.Type;
  command?: v1.CommandInfo;
  http?: v1.HealthCheck.HTTPCheckInfo;
  tcp?: v1.HealthCheck.TCPCheckInfo;
}
export namespace HealthCheck {
  export type Type =
    | 'UNKNOWN'
    | 'COMMAND'
    | 'HTTP'
    | 'TCP';
  export interface HTTPCheckInfo {
    protocol?: v1.NetworkInfo.Protocol;
    scheme?: string;
    port: number;
    path?: string;
    statuses?: number[];
  }
  export interface TCPCheckInfo {
    protocol?: v1.NetworkInfo.Protocol;
    port: number;
  }
  /** HealthCheck narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { delay_seconds?: number; interval_seconds?: number; timeout_seconds?: number; consecutive_failures?: number; grace_period_seconds?: number; type: 'COMMAND'; command: v1.CommandInfo; }
    | { delay_seconds?: number; interval_seconds?: number; timeout_seconds?: number; consecutive_failures?: number; grace_period_seconds?: number; type: 'HTTP'; http: v1.HealthCheck.HTTPCheckInfo; }
    | { delay_seconds?: number; interval_seconds?: number; timeout_seconds?: number; consecutive_failures?: number; grace_period_seconds?: number; type: 'TCP'; tcp: v1.HealthCheck.TCPCheckInfo; };
}

export interface KillPolicy {
  grace_period?: v1.DurationInfo;
}

export interface CommandInfo {
  uris?: v1.CommandInfo.URI[];
  environment?: v1.Environment;
  shell?: boolean;
  value?: string;
  arguments?: string[];
  user?: string;
}
export namespace CommandInfo {
  export interface URI {
    value: string;
    executable?: boolean;
    extract?: boolean;
    cache?: boolean;
    output_file?: string;
  }
}

export interface ExecutorInfo {
  type?: v1.ExecutorInfo.Type;
  executor_id: v1.ExecutorID;
  framework_id?: v1.FrameworkID;
  command?: v1.CommandInfo;
  container?: v1.ContainerInfo;
  resources?: v1.Resource[];
  name?: string;
  /** @deprecated */ source?: string;
  data?: string /* base64 */;
  discovery?: v1.DiscoveryInfo;
  shutdown_grace_period?: v1.DurationInfo;
  labels?: v1.Labels;
}
export namespace ExecutorInfo {
  export type Type =
    | 'UNKNOWN'
    | 'DEFAULT'
    | 'CUSTOM';
}

export interface DomainInfo {
  fault_domain?: v1.DomainInfo.FaultDomain;
}
export namespace DomainInfo {
  export interface FaultDomain {
    region: v1.DomainInfo.FaultDomain.RegionInfo;
    zone: v1.DomainInfo.FaultDomain.ZoneInfo;
  }
  export namespace FaultDomain {
    export interface RegionInfo {
      name: string;
    }
    export interface ZoneInfo {
      name: string;
    }
  }
}

export interface MasterInfo {
  id: string;
  ip: number;
  port: number;
  pid?: string;
  hostname?: string;
  version?: string;
  address?: v1.Address;
  domain?: v1.DomainInfo;
  capabilities?: v1.MasterInfo.Capability[];
}
export namespace MasterInfo {
  export interface Capability {
    type?: v1.MasterInfo.Capability.Type;
  }
  export namespace Capability {
    export type Type =
      | 'UNKNOWN'
      | 'AGENT_UPDATE'
      | 'AGENT_DRAINING'
      | 'QUOTA_V2';
  }
}

export interface AgentInfo {
  hostname: string;
  port?: number;
  resources?: v1.Resource[];
  attributes?: v1.Attribute[];
  id?: v1.AgentID;
  domain?: v1.DomainInfo;
}
export namespace AgentInfo {
  export interface Capability {
    type?: v1.AgentInfo.Capability.Type;
  }
  export namespace Capability {
    export type Type =
      | 'UNKNOWN'
      | 'MULTI_ROLE'
      | 'HIERARCHICAL_ROLE'
      | 'RESERVATION_REFINEMENT'
      | 'RESOURCE_PROVIDER'
      | 'RESIZE_VOLUME'
      | 'AGENT_OPERATION_FEEDBACK'
      | 'AGENT_DRAINING'
      | 'TASK_RESOURCE_LIMITS';
  }
}

export interface CSIPluginContainerInfo {
  services?: v1.CSIPluginContainerInfo.Service[];
  command?: v1.CommandInfo;
  resources?: v1.Resource[];
  container?: v1.ContainerInfo;
}
export namespace CSIPluginContainerInfo {
  export type Service =
    | 'UNKNOWN'
    | 'CONTROLLER_SERVICE'
    | 'NODE_SERVICE';
}

export interface CSIPluginEndpoint {
  csi_service: v1.CSIPluginContainerInfo.Service;
  endpoint: string;
}

export interface CSIPluginInfo {
  type: string;
  name?: string;
  containers?: v1.CSIPluginContainerInfo[];
  endpoints?: v1.CSIPluginEndpoint[];
  target_path_root?: string;
  target_path_exists?: boolean;
}

export interface ResourceProviderInfo {
  id?: v1.ResourceProviderID;
  attributes?: v1.Attribute[];
  type: string;
  name: string;
  default_reservations?: v1.Resource.ReservationInfo[];
  storage?: v1.ResourceProviderInfo.Storage;
}
export namespace ResourceProviderInfo {
  export interface Storage {
    plugin: v1.CSIPluginInfo;
    reconciliation_interval_seconds?: number;
  }
}

export interface Value {
  type: v1.Value.Type;
  scalar?: v1.Value.Scalar;
  ranges?: v1.Value.Ranges;
  set?: v1.Value.Set;
  text?: v1.Value.Text;
}
export namespace Value {
  export type Type =
    | 'SCALAR'
    | 'RANGES'
    | 'SET'
    | 'TEXT';
  export interface Scalar {
    value: number;
  }
  export interface Range {
    begin: number;
    end: number;
  }
  export interface Ranges {
    range?: v1.Value.Range[];
  }
  export interface Set {
    item?: string[];
  }
  export interface Text {
    value: string;
  }
  /** Value narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { type: 'SCALAR'; scalar: v1.Value.Scalar; }
    | { type: 'RANGES'; ranges: v1.Value.Ranges; }
    | { type: 'SET'; set: v1.Value.Set; }
    | { type: 'TEXT'; text: v1.Value.Text; };
}

export interface Attribute {
  name: string;
  type: v1.Value.Type;
  scalar?: v1.Value.Scalar;
  ranges?: v1.Value.Ranges;
  set?: v1.Value.Set;
  text?: v1.Value.Text;
}
export namespace Attribute {
  /** Attribute narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { name: string; type: 'SCALAR'; scalar: v1.Value.Scalar; }
    | { name: string; type: 'RANGES'; ranges: v1.Value.Ranges; }
    | { name: string; type: 'SET'; set: v1.Value.Set; }
    | { name: string; type: 'TEXT'; text: v1.Value.Text; };
}

export interface Resource {
  provider_id?: v1.ResourceProviderID;
  name: string;
  type: v1.Value.Type;
  scalar?: v1.Value.Scalar;
  ranges?: v1.Value.Ranges;
  set?: v1.Value.Set;
  /** @deprecated */ role?: string;
  allocation_info?: v1.Resource.AllocationInfo;
  reservation?: v1.Resource.ReservationInfo;
  reservations?: v1.Resource.ReservationInfo[];
  disk?: v1.Resource.DiskInfo;
  revocable?: v1.Resource.RevocableInfo;
  shared?: v1.Resource.SharedInfo;
}
export namespace Resource {
  export interface AllocationInfo {
    role?: string;
  }
  export interface ReservationInfo {
    type?: v1.Resource.ReservationInfo.Type;
    role?: string;
    principal?: string;
    labels?: v1.Labels;
  }
  export namespace ReservationInfo {
    export type Type =
      | 'UNKNOWN'
      | 'STATIC'
      | 'DYNAMIC';
  }
  export interface DiskInfo {
    persistence?: v1.Resource.DiskInfo.Persistence;
    volume?: v1.Volume;
    source?: v1.Resource.DiskInfo.Source;
  }
  export namespace DiskInfo {
    export interface Persistence {
      id: string;
      principal?: string;
    }
    export interface Source {
      type: v1.Resource.DiskInfo.Source.Type;
      path?: v1.Resource.DiskInfo.Source.Path;
      mount?: v1.Resource.DiskInfo.Source.Mount;
      vendor?: string;
      id?: string;
      metadata?: v1.Labels;
      profile?: string;
    }
    export namespace Source {
      export type Type =
        | 'UNKNOWN'
        | 'PATH'
        | 'MOUNT'
        | 'BLOCK'
        | 'RAW';
      export interface Path {
        root?: string;
      }
      export interface Mount {
        root?: string;
      }
      /** Resource.DiskInfo.Source narrowed on `type`: each variant carries its payload. */
      export type Typed =
        | { vendor?: string; id?: string; metadata?: v1.Labels; profile?: string; type: 'PATH'; path: v1.Resource.DiskInfo.Source.Path; }
        | { vendor?: string; id?: string; metadata?: v1.Labels; profile?: string; type: 'MOUNT'; mount: v1.Resource.DiskInfo.Source.Mount; }
        | { vendor?: string; id?: string; metadata?: v1.Labels; profile?: string; type: 'BLOCK'; }
        | { vendor?: string; id?: string; metadata?: v1.Labels; profile?: string; type: 'RAW'; };
    }
  }
  export interface RevocableInfo {}
  export interface SharedInfo {}
  /** Resource narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { provider_id?: v1.ResourceProviderID; name: string; /** @deprecated */ role?: string; allocation_info?: v1.Resource.AllocationInfo; reservation?: v1.Resource.ReservationInfo; reservations?: v1.Resource.ReservationInfo[]; disk?: v1.Resource.DiskInfo; revocable?: v1.Resource.RevocableInfo; shared?: v1.Resource.SharedInfo; type: 'SCALAR'; scalar: v1.Value.Scalar; }
    | { provider_id?: v1.ResourceProviderID; name: string; /** @deprecated */ role?: string; allocation_info?: v1.Resource.AllocationInfo; reservation?: v1.Resource.ReservationInfo; reservations?: v1.Resource.ReservationInfo[]; disk?: v1.Resource.DiskInfo; revocable?: v1.Resource.RevocableInfo; shared?: v1.Resource.SharedInfo; type: 'RANGES'; ranges: v1.Value.Ranges; }
    | { provider_id?: v1.ResourceProviderID; name: string; /** @deprecated */ role?: string; allocation_info?: v1.Resource.AllocationInfo; reservation?: v1.Resource.ReservationInfo; reservations?: v1.Resource.ReservationInfo[]; disk?: v1.Resource.DiskInfo; revocable?: v1.Resource.RevocableInfo; shared?: v1.Resource.SharedInfo; type: 'SET'; set: v1.Value.Set; }
    | { provider_id?: v1.ResourceProviderID; name: string; /** @deprecated */ role?: string; allocation_info?: v1.Resource.AllocationInfo; reservation?: v1.Resource.ReservationInfo; reservations?: v1.Resource.ReservationInfo[]; disk?: v1.Resource.DiskInfo; revocable?: v1.Resource.RevocableInfo; shared?: v1.Resource.SharedInfo; type: 'TEXT'; };
}

export interface TrafficControlStatistics {
  id: string;
  backlog?: number;
  bytes?: number;
  drops?: number;
  overlimits?: number;
  packets?: number;
  qlen?: number;
  ratebps?: number;
  ratepps?: number;
  requeues?: number;
}

export interface IpStatistics {
  Forwarding?: number;
  DefaultTTL?: number;
  InReceives?: number;
  InHdrErrors?: number;
  InAddrErrors?: number;
  ForwDatagrams?: number;
  InUnknownProtos?: number;
  InDiscards?: number;
  InDelivers?: number;
  OutRequests?: number;
  OutDiscards?: number;
  OutNoRoutes?: number;
  ReasmTimeout?: number;
  ReasmReqds?: number;
  ReasmOKs?: number;
  ReasmFails?: number;
  FragOKs?: number;
  FragFails?: number;
  FragCreates?: number;
}

export interface IcmpStatistics {
  InMsgs?: number;
  InErrors?: number;
  InCsumErrors?: number;
  InDestUnreachs?: number;
  InTimeExcds?: number;
  InParmProbs?: number;
  InSrcQuenchs?: number;
  InRedirects?: number;
  InEchos?: number;
  InEchoReps?: number;
  InTimestamps?: number;
  InTimestampReps?: number;
  InAddrMasks?: number;
  InAddrMaskReps?: number;
  OutMsgs?: number;
  OutErrors?: number;
  OutDestUnreachs?: number;
  OutTimeExcds?: number;
  OutParmProbs?: number;
  OutSrcQuenchs?: number;
  OutRedirects?: number;
  OutEchos?: number;
  OutEchoReps?: number;
  OutTimestamps?: number;
  OutTimestampReps?: number;
  OutAddrMasks?: number;
  OutAddrMaskReps?: number;
}

export interface TcpStatistics {
  RtoAlgorithm?: number;
  RtoMin?: number;
  RtoMax?: number;
  MaxConn?: number;
  ActiveOpens?: number;
  PassiveOpens?: number;
  AttemptFails?: number;
  EstabResets?: number;
  CurrEstab?: number;
  InSegs?: number;
  OutSegs?: number;
  RetransSegs?: number;
  InErrs?: number;
  OutRsts?: number;
  InCsumErrors?: number;
}

export interface UdpStatistics {
  InDatagrams?: number;
  NoPorts?: number;
  InErrors?: number;
  OutDatagrams?: number;
  RcvbufErrors?: number;
  SndbufErrors?: number;
  InCsumErrors?: number;
  IgnoredMulti?: number;
}

export interface SNMPStatistics {
  ip_stats?: v1.IpStatistics;
  icmp_stats?: v1.IcmpStatistics;
  tcp_stats?: v1.TcpStatistics;
  udp_stats?: v1.UdpStatistics;
}

export interface DiskStatistics {
  source?: v1.Resource.DiskInfo.Source;
  persistence?: v1.Resource.DiskInfo.Persistence;
  limit_bytes?: number;
  used_bytes?: number;
}

export interface ResourceStatistics {
  timestamp: number;
  processes?: number;
  threads?: number;
  cpus_user_time_secs?: number;
  cpus_system_time_secs?: number;
  cpus_limit?: number;
  cpus_soft_limit?: number;
  cpus_nr_periods?: number;
  cpus_nr_throttled?: number;
  cpus_throttled_time_secs?: number;
  mem_total_bytes?: number;
  mem_total_memsw_bytes?: number;
  mem_limit_bytes?: number;
  mem_soft_limit_bytes?: number;
  mem_file_bytes?: number;
  mem_anon_bytes?: number;
  mem_cache_bytes?: number;
  mem_rss_bytes?: number;
  mem_mapped_file_bytes?: number;
  mem_swap_bytes?: number;
  mem_unevictable_bytes?: number;
  mem_low_pressure_counter?: number;
  mem_medium_pressure_counter?: number;
  mem_critical_pressure_counter?: number;
  disk_limit_bytes?: number;
  disk_used_bytes?: number;
  disk_statistics?: v1.DiskStatistics[];
  blkio_statistics?: v1.CgroupInfo.Blkio.Statistics;
  perf?: v1.PerfStatistics;
  net_rx_packets?: number;
  net_rx_bytes?: number;
  net_rx_errors?: number;
  net_rx_dropped?: number;
  net_tx_packets?: number;
  net_tx_bytes?: number;
  net_tx_errors?: number;
  net_tx_dropped?: number;
  net_tcp_rtt_microsecs_p50?: number;
  net_tcp_rtt_microsecs_p90?: number;
  net_tcp_rtt_microsecs_p95?: number;
  net_tcp_rtt_microsecs_p99?: number;
  net_tcp_active_connections?: number;
  net_tcp_time_wait_connections?: number;
  net_traffic_control_statistics?: v1.TrafficControlStatistics[];
  net_snmp_statistics?: v1.SNMPStatistics;
}

export interface ResourceUsage {
  executors?: v1.ResourceUsage.Executor[];
  total?: v1.Resource[];
}
export namespace ResourceUsage {
  export interface Executor {
    executor_info: v1.ExecutorInfo;
    allocated?: v1.Resource[];
    statistics?: v1.ResourceStatistics;
    container_id: v1.ContainerID;
    tasks?: v1.ResourceUsage.Executor.Task[];
  }
  export namespace Executor {
    export interface Task {
      name: string;
      id: v1.TaskID;
      resources?: v1.Resource[];
      labels?: v1.Labels;
    }
  }
}

export interface PerfStatistics {
  timestamp: number;
  duration: number;
  cycles?: number;
  stalled_cycles_frontend?: number;
  stalled_cycles_backend?: number;
  instructions?: number;
  cache_references?: number;
  cache_misses?: number;
  branches?: number;
  branch_misses?: number;
  bus_cycles?: number;
  ref_cycles?: number;
  cpu_clock?: number;
  task_clock?: number;
  page_faults?: number;
  minor_faults?: number;
  major_faults?: number;
  context_switches?: number;
  cpu_migrations?: number;
  alignment_faults?: number;
  emulation_faults?: number;
  l1_dcache_loads?: number;
  l1_dcache_load_misses?: number;
  l1_dcache_stores?: number;
  l1_dcache_store_misses?: number;
  l1_dcache_prefetches?: number;
  l1_dcache_prefetch_misses?: number;
  l1_icache_loads?: number;
  l1_icache_load_misses?: number;
  l1_icache_prefetches?: number;
  l1_icache_prefetch_misses?: number;
  llc_loads?: number;
  llc_load_misses?: number;
  llc_stores?: number;
  llc_store_misses?: number;
  llc_prefetches?: number;
  llc_prefetch_misses?: number;
  dtlb_loads?: number;
  dtlb_load_misses?: number;
  dtlb_stores?: number;
  dtlb_store_misses?: number;
  dtlb_prefetches?: number;
  dtlb_prefetch_misses?: number;
  itlb_loads?: number;
  itlb_load_misses?: number;
  branch_loads?: number;
  branch_load_misses?: number;
  node_loads?: number;
  node_load_misses?: number;
  node_stores?: number;
  node_store_misses?: number;
  node_prefetches?: number;
  node_prefetch_misses?: number;
}

export interface OfferFilters {
  min_allocatable_resources?: v1.OfferFilters.MinAllocatableResources;
}
export namespace OfferFilters {
  export interface ResourceQuantities {
    quantities?: Record<string, v1.Value.Scalar>;
  }
  export interface MinAllocatableResources {
    quantities?: v1.OfferFilters.ResourceQuantities[];
  }
}

export interface Request {
  agent_id?: v1.AgentID;
  resources?: v1.Resource[];
}

export interface Offer {
  id: v1.OfferID;
  framework_id: v1.FrameworkID;
  agent_id: v1.AgentID;
  hostname: string;
  url?: v1.URL;
  domain?: v1.DomainInfo;
  resources?: v1.Resource[];
  attributes?: v1.Attribute[];
  executor_ids?: v1.ExecutorID[];
  unavailability?: v1.Unavailability;
  allocation_info?: v1.Resource.AllocationInfo;
}
export namespace Offer {
  export interface Operation {
    type?: v1.Offer.Operation.Type;
    id?: v1.OperationID;
    launch?: v1.Offer.Operation.Launch;
    launch_group?: v1.Offer.Operation.LaunchGroup;
    reserve?: v1.Offer.Operation.Reserve;
    unreserve?: v1.Offer.Operation.Unreserve;
    create?: v1.Offer.Operation.Create;
    destroy?: v1.Offer.Operation.Destroy;
    grow_volume?: v1.Offer.Operation.GrowVolume;
    shrink_volume?: v1.Offer.Operation.ShrinkVolume;
    create_disk?: v1.Offer.Operation.CreateDisk;
    destroy_disk?: v1.Offer.Operation.DestroyDisk;
  }
  export namespace Operation {
    export type Type =
      | 'UNKNOWN'
      | 'LAUNCH'
      | 'LAUNCH_GROUP'
      | 'RESERVE'
      | 'UNRESERVE'
      | 'CREATE'
      | 'DESTROY'
      | 'GROW_VOLUME'
      | 'SHRINK_VOLUME'
      | 'CREATE_DISK'
      | 'DESTROY_DISK';
    export interface Launch {
      task_infos?: v1.TaskInfo[];
    }
    export interface LaunchGroup {
      executor: v1.ExecutorInfo;
      task_group: v1.TaskGroupInfo;
    }
    export interface Reserve {
      source?: v1.Resource[];
      resources?: v1.Resource[];
    }
    export interface Unreserve {
      resources?: v1.Resource[];
    }
    export interface Create {
      volumes?: v1.Resource[];
    }
    export interface Destroy {
      volumes?: v1.Resource[];
    }
    export interface GrowVolume {
      volume: v1.Resource;
      addition: v1.Resource;
    }
    export interface ShrinkVolume {
      volume: v1.Resource;
      subtract: v1.Value.Scalar;
    }
    export interface CreateDisk {
      source: v1.Resource;
      target_type: v1.Resource.DiskInfo.Source.Type;
      target_profile?: string;
    }
    export interface DestroyDisk {
      source: v1.Resource;
    }
    /** Offer.Operation narrowed on `type`: each variant carries its payload. */
    export type Typed =
      | { id?: v1.OperationID; type: 'LAUNCH'; launch: v1.Offer.Operation.Launch; }
      | { id?: v1.OperationID; type: 'LAUNCH_GROUP'; launch_group: v1.Offer.Operation.LaunchGroup; }
      | { id?: v1.OperationID; type: 'RESERVE'; reserve: v1.Offer.Operation.Reserve; }
      | { id?: v1.OperationID; type: 'UNRESERVE'; unreserve: v1.Offer.Operation.Unreserve; }
      | { id?: v1.OperationID; type: 'CREATE'; create: v1.Offer.Operation.Create; }
      | { id?: v1.OperationID; type: 'DESTROY'; destroy: v1.Offer.Operation.Destroy; }
      | { id?: v1.OperationID; type: 'GROW_VOLUME'; grow_volume: v1.Offer.Operation.GrowVolume; }
      | { id?: v1.OperationID; type: 'SHRINK_VOLUME'; shrink_volume: v1.Offer.Operation.ShrinkVolume; }
      | { id?: v1.OperationID; type: 'CREATE_DISK'; create_disk: v1.Offer.Operation.CreateDisk; }
      | { id?: v1.OperationID; type: 'DESTROY_DISK'; destroy_disk: v1.Offer.Operation.DestroyDisk; };
  }
}

export interface InverseOffer {
  id: v1.OfferID;
  url?: v1.URL;
  framework_id: v1.FrameworkID;
  agent_id?: v1.AgentID;
  unavailability: v1.Unavailability;
  resources?: v1.Resource[];
}

export interface TaskInfo {
  name: string;
  task_id: v1.TaskID;
  agent_id: v1.AgentID;
  resources?: v1.Resource[];
  executor?: v1.ExecutorInfo;
  command?: v1.CommandInfo;
  container?: v1.ContainerInfo;
  health_check?: v1.HealthCheck;
  check?: v1.CheckInfo;
  kill_policy?: v1.KillPolicy;
  data?: string /* base64 */;
  labels?: v1.Labels;
  discovery?: v1.DiscoveryInfo;
  max_completion_time?: v1.DurationInfo;
  limits?: Record<string, v1.Value.Scalar>;
}

export interface TaskGroupInfo {
  tasks?: v1.TaskInfo[];
}

export interface Task {
  name: string;
  task_id: v1.TaskID;
  framework_id: v1.FrameworkID;
  executor_id?: v1.ExecutorID;
  agent_id: v1.AgentID;
  state: v1.TaskState;
  resources?: v1.Resource[];
  statuses?: v1.TaskStatus[];
  status_update_state?: v1.TaskState;
  status_update_uuid?: string /* base64 */;
  labels?: v1.Labels;
  discovery?: v1.DiscoveryInfo;
  container?: v1.ContainerInfo;
  health_check?: v1.HealthCheck;
  kill_policy?: v1.KillPolicy;
  user?: string;
  limits?: Record<string, v1.Value.Scalar>;
}

export type TaskState =
  | 'TASK_STAGING'
  | 'TASK_STARTING'
  | 'TASK_RUNNING'
  | 'TASK_KILLING'
  | 'TASK_FINISHED'
  | 'TASK_FAILED'
  | 'TASK_KILLED'
  | 'TASK_ERROR'
  | 'TASK_LOST'
  | 'TASK_DROPPED'
  | 'TASK_UNREACHABLE'
  | 'TASK_GONE'
  | 'TASK_GONE_BY_OPERATOR'
  | 'TASK_UNKNOWN';

export interface TaskResourceLimitation {
  resources?: v1.Resource[];
}

export interface UUID {
  value: string /* base64 */;
}

export interface Operation {
  framework_id?: v1.FrameworkID;
  agent_id?: v1.AgentID;
  info: v1.Offer.Operation;
  latest_status: v1.OperationStatus;
  statuses?: v1.OperationStatus[];
  uuid: v1.UUID;
}

export type OperationState =
  | 'OPERATION_UNSUPPORTED'
  | 'OPERATION_PENDING'
  | 'OPERATION_FINISHED'
  | 'OPERATION_FAILED'
  | 'OPERATION_ERROR'
  | 'OPERATION_DROPPED'
  | 'OPERATION_UNREACHABLE'
  | 'OPERATION_GONE_BY_OPERATOR'
  | 'OPERATION_RECOVERING'
  | 'OPERATION_UNKNOWN';

export interface OperationStatus {
  operation_id?: v1.OperationID;
  state: v1.OperationState;
  message?: string;
  converted_resources?: v1.Resource[];
  uuid?: v1.UUID;
  agent_id?: v1.AgentID;
  resource_provider_id?: v1.ResourceProviderID;
}

export interface CheckStatusInfo {
  type?: v1.CheckInfo.Type;
  command?: v1.CheckStatusInfo.Command;
  http?: v1.CheckStatusInfo.Http;
  tcp?: v1.CheckStatusInfo.Tcp;
}
export namespace CheckStatusInfo {
  export interface Command {
    exit_code?: number;
  }
  export interface Http {
    status_code?: number;
  }
  export interface Tcp {
    succeeded?: boolean;
  }
  /** CheckStatusInfo narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { type: 'COMMAND'; command: v1.CheckStatusInfo.Command; }
    | { type: 'HTTP'; http: v1.CheckStatusInfo.Http; }
    | { type: 'TCP'; tcp: v1.CheckStatusInfo.Tcp; };
}

export interface TaskStatus {
  task_id: v1.TaskID;
  state: v1.TaskState;
  message?: string;
  source?: v1.TaskStatus.Source;
  reason?: v1.TaskStatus.Reason;
  data?: string /* base64 */;
  agent_id?: v1.AgentID;
  executor_id?: v1.ExecutorID;
  timestamp?: number;
  uuid?: string /* base64 */;
  healthy?: boolean;
  check_status?: v1.CheckStatusInfo;
  labels?: v1.Labels;
  container_status?: v1.ContainerStatus;
  unreachable_time?: v1.TimeInfo;
  limitation?: v1.TaskResourceLimitation;
}
export namespace TaskStatus {
  export type Source =
    | 'SOURCE_MASTER'
    | 'SOURCE_AGENT'
    | 'SOURCE_EXECUTOR';
  export type Reason =
    | 'REASON_COMMAND_EXECUTOR_FAILED'
    | 'REASON_CONTAINER_LAUNCH_FAILED'
    | 'REASON_CONTAINER_LIMITATION'
    | 'REASON_CONTAINER_LIMITATION_DISK'
    | 'REASON_CONTAINER_LIMITATION_MEMORY'
    | 'REASON_CONTAINER_PREEMPTED'
    | 'REASON_CONTAINER_UPDATE_FAILED'
    | 'REASON_MAX_COMPLETION_TIME_REACHED'
    | 'REASON_EXECUTOR_REGISTRATION_TIMEOUT'
    | 'REASON_EXECUTOR_REREGISTRATION_TIMEOUT'
    | 'REASON_EXECUTOR_TERMINATED'
    | 'REASON_EXECUTOR_UNREGISTERED'
    | 'REASON_FRAMEWORK_REMOVED'
    | 'REASON_GC_ERROR'
    | 'REASON_INVALID_FRAMEWORKID'
    | 'REASON_INVALID_OFFERS'
    | 'REASON_IO_SWITCHBOARD_EXITED'
    | 'REASON_MASTER_DISCONNECTED'
    | 'REASON_RECONCILIATION'
    | 'REASON_RESOURCES_UNKNOWN'
    | 'REASON_AGENT_DISCONNECTED'
    | 'REASON_AGENT_DRAINING'
    | 'REASON_AGENT_REMOVED'
    | 'REASON_AGENT_REMOVED_BY_OPERATOR'
    | 'REASON_AGENT_REREGISTERED'
    | 'REASON_AGENT_RESTARTED'
    | 'REASON_AGENT_UNKNOWN'
    | 'REASON_TASK_KILLED_DURING_LAUNCH'
    | 'REASON_TASK_CHECK_STATUS_UPDATED'
    | 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED'
    | 'REASON_TASK_GROUP_INVALID'
    | 'REASON_TASK_GROUP_UNAUTHORIZED'
    | 'REASON_TASK_INVALID'
    | 'REASON_TASK_UNAUTHORIZED'
    | 'REASON_TASK_UNKNOWN';
}

export interface Filters {
  refuse_seconds?: number;
}

export interface Environment {
  variables?: v1.Environment.Variable[];
}
export namespace Environment {
  export interface Variable {
    name: string;
    type?: v1.Environment.Variable.Type;
    value?: string;
    secret?: v1.Secret;
  }
  export namespace Variable {
    export type Type =
      | 'UNKNOWN'
      | 'VALUE'
      | 'SECRET';
    /** Environment.Variable narrowed on `type`: each variant carries its payload. */
    export type Typed =
      | { name: string; type: 'VALUE'; value: string; }
      | { name: string; type: 'SECRET'; secret: v1.Secret; };
  }
}

export interface Parameter {
  key: string;
  value: string;
}

export interface Parameters {
  parameter?: v1.Parameter[];
}

export interface Credential {
  principal: string;
  secret?: string;
}

export interface Credentials {
  credentials?: v1.Credential[];
}

export interface Secret {
  type?: v1.Secret.Type;
  reference?: v1.Secret.Reference;
  value?: v1.Secret.Value;
}
export namespace Secret {
  export type Type =
    | 'UNKNOWN'
    | 'REFERENCE'
    | 'VALUE';
  export interface Reference {
    name: string;
    key?: string;
  }
  export interface Value {
    data: string /* base64 */;
  }
  /** Secret narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { type: 'REFERENCE'; reference: v1.Secret.Reference; }
    | { type: 'VALUE'; value: v1.Secret.Value; };
}

export interface RateLimit {
  qps?: number;
  principal: string;
  capacity?: number;
}

export interface RateLimits {
  limits?: v1.RateLimit[];
  aggregate_default_qps?: number;
  aggregate_default_capacity?: number;
}

export interface Image {
  type: v1.Image.Type;
  appc?: v1.Image.Appc;
  docker?: v1.Image.Docker;
  cached?: boolean;
}
export namespace Image {
  export type Type =
    | 'APPC'
    | 'DOCKER';
  export interface Appc {
    name: string;
    id?: string;
    labels?: v1.Labels;
  }
  export interface Docker {
    name: string;
    /** @deprecated */ credential?: v1.Credential;
    config?: v1.Secret;
  }
  /** Image narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { cached?: boolean; type: 'APPC'; appc: v1.Image.Appc; }
    | { cached?: boolean; type: 'DOCKER'; docker: v1.Image.Docker; };
}

export interface MountPropagation {
  mode?: v1.MountPropagation.Mode;
}
export namespace MountPropagation {
  export type Mode =
    | 'UNKNOWN'
    | 'HOST_TO_CONTAINER'
    | 'BIDIRECTIONAL';
}

export interface Volume {
  mode: v1.Volume.Mode;
  container_path: string;
  host_path?: string;
  image?: v1.Image;
  source?: v1.Volume.Source;
}
export namespace Volume {
  export type Mode =
    | 'RW'
    | 'RO';
  export interface Source {
    type?: v1.Volume.Source.Type;
    docker_volume?: v1.Volume.Source.DockerVolume;
    host_path?: v1.Volume.Source.HostPath;
    sandbox_path?: v1.Volume.Source.SandboxPath;
    secret?: v1.Secret;
    csi_volume?: v1.Volume.Source.CSIVolume;
  }
  export namespace Source {
    export type Type =
      | 'UNKNOWN'
      | 'DOCKER_VOLUME'
      | 'HOST_PATH'
      | 'SANDBOX_PATH'
      | 'SECRET'
      | 'CSI_VOLUME';
    export interface DockerVolume {
      driver?: string;
      name: string;
      driver_options?: v1.Parameters;
    }
    export interface HostPath {
      path: string;
      mount_propagation?: v1.MountPropagation;
    }
    export interface SandboxPath {
      type?: v1.Volume.Source.SandboxPath.Type;
      path: string;
    }
    export namespace SandboxPath {
      export type Type =
        | 'UNKNOWN'
        | 'SELF'
        | 'PARENT';
    }
    export interface CSIVolume {
      plugin_name: string;
      static_provisioning?: v1.Volume.Source.CSIVolume.StaticProvisioning;
    }
    export namespace CSIVolume {
      export interface VolumeCapability {
        block?: v1.Volume.Source.CSIVolume.VolumeCapability.BlockVolume;
        mount?: v1.Volume.Source.CSIVolume.VolumeCapability.MountVolume;
        access_mode: v1.Volume.Source.CSIVolume.VolumeCapability.AccessMode;
      }
      export namespace VolumeCapability {
        export interface BlockVolume {}
        export interface MountVolume {
          fs_type?: string;
          mount_flags?: string[];
        }
        export interface AccessMode {
          mode: v1.Volume.Source.CSIVolume.VolumeCapability.AccessMode.Mode;
        }
        export namespace AccessMode {
          export type Mode =
            | 'UNKNOWN'
            | 'SINGLE_NODE_WRITER'
            | 'SINGLE_NODE_READER_ONLY'
            | 'MULTI_NODE_READER_ONLY'
            | 'MULTI_NODE_SINGLE_WRITER'
            | 'MULTI_NODE_MULTI_WRITER';
        }
      }
      export interface StaticProvisioning {
        volume_id: string;
        volume_capability: v1.Volume.Source.CSIVolume.VolumeCapability;
        node_stage_secrets?: Record<string, v1.Secret>;
        node_publish_secrets?: Record<string, v1.Secret>;
        volume_context?: Record<string, string>;
      }
    }
    /** Volume.Source narrowed on `type`: each variant carries its payload. */
    export type Typed =
      | { type: 'DOCKER_VOLUME'; docker_volume: v1.Volume.Source.DockerVolume; }
      | { type: 'HOST_PATH'; host_path: v1.Volume.Source.HostPath; }
      | { type: 'SANDBOX_PATH'; sandbox_path: v1.Volume.Source.SandboxPath; }
      | { type: 'SECRET'; secret: v1.Secret; }
      | { type: 'CSI_VOLUME'; csi_volume: v1.Volume.Source.CSIVolume; };
  }
}

export interface NetworkInfo {
  ip_addresses?: v1.NetworkInfo.IPAddress[];
  name?: string;
  groups?: string[];
  labels?: v1.Labels;
  port_mappings?: v1.NetworkInfo.PortMapping[];
}
export namespace NetworkInfo {
  export type Protocol =
    | 'IPv4'
    | 'IPv6';
  export interface IPAddress {
    protocol?: v1.NetworkInfo.Protocol;
    ip_address?: string;
  }
  export interface PortMapping {
    host_port: number;
    container_port: number;
    protocol?: string;
  }
}

export interface CapabilityInfo {
  capabilities?: v1.CapabilityInfo.Capability[];
}
export namespace CapabilityInfo {
  export type Capability =
    | 'UNKNOWN'
    | 'CHOWN'
    | 'DAC_OVERRIDE'
    | 'DAC_READ_SEARCH'
    | 'FOWNER'
    | 'FSETID'
    | 'KILL'
    | 'SETGID'
    | 'SETUID'
    | 'SETPCAP'
    | 'LINUX_IMMUTABLE'
    | 'NET_BIND_SERVICE'
    | 'NET_BROADCAST'
    | 'NET_ADMIN'
    | 'NET_RAW'
    | 'IPC_LOCK'
    | 'IPC_OWNER'
    | 'SYS_MODULE'
    | 'SYS_RAWIO'
    | 'SYS_CHROOT'
    | 'SYS_PTRACE'
    | 'SYS_PACCT'
    | 'SYS_ADMIN'
    | 'SYS_BOOT'
    | 'SYS_NICE'
    | 'SYS_RESOURCE'
    | 'SYS_TIME'
    | 'SYS_TTY_CONFIG'
    | 'MKNOD'
    | 'LEASE'
    | 'AUDIT_WRITE'
    | 'AUDIT_CONTROL'
    | 'SETFCAP'
    | 'MAC_OVERRIDE'
    | 'MAC_ADMIN'
    | 'SYSLOG'
    | 'WAKE_ALARM'
    | 'BLOCK_SUSPEND'
    | 'AUDIT_READ'
    | 'PERFMON'
    | 'BPF'
    | 'CHECKPOINT_RESTORE';
}

export interface SeccompInfo {
  profile_name?: string;
  unconfined?: boolean;
}

export interface LinuxInfo {
  /** @deprecated */ capability_info?: v1.CapabilityInfo;
  bounding_capabilities?: v1.CapabilityInfo;
  effective_capabilities?: v1.CapabilityInfo;
  share_pid_namespace?: boolean;
  seccomp?: v1.SeccompInfo;
  ipc_mode?: v1.LinuxInfo.IpcMode;
  shm_size?: number;
  share_cgroups?: boolean;
}
export namespace LinuxInfo {
  export type IpcMode =
    | 'UNKNOWN'
    | 'PRIVATE'
    | 'SHARE_PARENT';
}

export interface RLimitInfo {
  rlimits?: v1.RLimitInfo.RLimit[];
}
export namespace RLimitInfo {
  export interface RLimit {
    type?: v1.RLimitInfo.RLimit.Type;
    hard?: number;
    soft?: number;
  }
  export namespace RLimit {
    export type Type =
      | 'UNKNOWN'
      | 'RLMT_AS'
      | 'RLMT_CORE'
      | 'RLMT_CPU'
      | 'RLMT_DATA'
      | 'RLMT_FSIZE'
      | 'RLMT_LOCKS'
      | 'RLMT_MEMLOCK'
      | 'RLMT_MSGQUEUE'
      | 'RLMT_NICE'
      | 'RLMT_NOFILE'
      | 'RLMT_NPROC'
      | 'RLMT_RSS'
      | 'RLMT_RTPRIO'
      | 'RLMT_RTTIME'
      | 'RLMT_SIGPENDING'
      | 'RLMT_STACK';
  }
}

export interface TTYInfo {
  window_size?: v1.TTYInfo.WindowSize;
}
export namespace TTYInfo {
  export interface WindowSize {
    rows: number;
    columns: number;
  }
}

export interface ContainerInfo {
  type: v1.ContainerInfo.Type;
  volumes?: v1.Volume[];
  hostname?: string;
  docker?: v1.ContainerInfo.DockerInfo;
  mesos?: v1.ContainerInfo.MesosInfo;
  network_infos?: v1.NetworkInfo[];
  linux_info?: v1.LinuxInfo;
  rlimit_info?: v1.RLimitInfo;
  tty_info?: v1.TTYInfo;
}
export namespace ContainerInfo {
  export type Type =
    | 'DOCKER'
    | 'MESOS';
  export interface DockerInfo {
    image: string;
    network?: v1.ContainerInfo.DockerInfo.Network;
    port_mappings?: v1.ContainerInfo.DockerInfo.PortMapping[];
    privileged?: boolean;
    parameters?: v1.Parameter[];
    force_pull_image?: boolean;
    /** @deprecated */ volume_driver?: string;
  }
  export namespace DockerInfo {
    export type Network =
      | 'HOST'
      | 'BRIDGE'
      | 'NONE'
      | 'USER';
    export interface PortMapping {
      host_port: number;
      container_port: number;
      protocol?: string;
    }
  }
  export interface MesosInfo {
    image?: v1.Image;
  }
  /** ContainerInfo narrowed on `type`: each variant carries its payload. */
  export type Typed =
    | { volumes?: v1.Volume[]; hostname?: string; network_infos?: v1.NetworkInfo[]; linux_info?: v1.LinuxInfo; rlimit_info?: v1.RLimitInfo; tty_info?: v1.TTYInfo; type: 'DOCKER'; docker: v1.ContainerInfo.DockerInfo; }
    | { volumes?: v1.Volume[]; hostname?: string; network_infos?: v1.NetworkInfo[]; linux_info?: v1.LinuxInfo; rlimit_info?: v1.RLimitInfo; tty_info?: v1.TTYInfo; type: 'MESOS'; mesos: v1.ContainerInfo.MesosInfo; };
}

export interface ContainerStatus {
  container_id?: v1.ContainerID;
  network_infos?: v1.NetworkInfo[];
  cgroup_info?: v1.CgroupInfo;
  executor_pid?: number;
}

export interface CgroupInfo {
  net_cls?: v1.CgroupInfo.NetCls;
}
export namespace CgroupInfo {
  export interface Blkio {}
  export namespace Blkio {
    export type Operation =
      | 'UNKNOWN'
      | 'TOTAL'
      | 'READ'
      | 'WRITE'
      | 'SYNC'
      | 'ASYNC'
      | 'DISCARD';
    export interface Value {
      op?: v1.CgroupInfo.Blkio.Operation;
      value?: number;
    }
    export interface CFQ {}
    export namespace CFQ {
      export interface Statistics {
        device?: v1.Device.Number;
        sectors?: number;
        time?: number;
        io_serviced?: v1.CgroupInfo.Blkio.Value[];
        io_service_bytes?: v1.CgroupInfo.Blkio.Value[];
        io_service_time?: v1.CgroupInfo.Blkio.Value[];
        io_wait_time?: v1.CgroupInfo.Blkio.Value[];
        io_merged?: v1.CgroupInfo.Blkio.Value[];
        io_queued?: v1.CgroupInfo.Blkio.Value[];
      }
    }
    export interface Throttling {}
    export namespace Throttling {
      export interface Statistics {
        device?: v1.Device.Number;
        io_serviced?: v1.CgroupInfo.Blkio.Value[];
        io_service_bytes?: v1.CgroupInfo.Blkio.Value[];
      }
    }
    export interface Statistics {
      cfq?: v1.CgroupInfo.Blkio.CFQ.Statistics[];
      cfq_recursive?: v1.CgroupInfo.Blkio.CFQ.Statistics[];
      throttling?: v1.CgroupInfo.Blkio.Throttling.Statistics[];
    }
  }
  export interface NetCls {
    classid?: number;
  }
}

export interface Labels {
  labels?: v1.Label[];
}

export interface Label {
  key: string;
  value?: string;
}

export interface Port {
  number: number;
  name?: string;
  protocol?: string;
  visibility?: v1.DiscoveryInfo.Visibility;
  labels?: v1.Labels;
}

export interface Ports {
  ports?: v1.Port[];
}

export interface DiscoveryInfo {
  visibility: v1.DiscoveryInfo.Visibility;
  name?: string;
  environment?: string;
  location?: string;
  version?: string;
  ports?: v1.Ports;
  labels?: v1.Labels;
}
export namespace DiscoveryInfo {
  export type Visibility =
    | 'FRAMEWORK'
    | 'CLUSTER'
    | 'EXTERNAL';
}

export interface WeightInfo {
  weight: number;
  role?: string;
}

export interface VersionInfo {
  version: string;
  build_date?: string;
  build_time?: number;
  build_user?: string;
  git_sha?: string;
  git_branch?: string;
  git_tag?: string;
}

export interface Flag {
  name: string;
  value?: string;
}

export interface Role {
  name: string;
  weight: number;
  frameworks?: v1.FrameworkID[];
  resources?: v1.Resource[];
}

export interface Metric {
  name: string;
  value?: number;
}

export interface FileInfo {
  path: string;
  nlink?: number;
  size?: number;
  mtime?: v1.TimeInfo;
  mode?: number;
  uid?: string;
  gid?: string;
}

export interface Device {
  path?: string;
  number?: v1.Device.Number;
}
export namespace Device {
  export interface Number {
    major_number: number;
    minor_number: number;
  }
}

export interface DeviceAccess {
  device: v1.Device;
  access: v1.DeviceAccess.Access;
}
export namespace DeviceAccess {
  export interface Access {
    read?: boolean;
    write?: boolean;
    mknod?: boolean;
  }
}

export interface DeviceWhitelist {
  allowed_devices?: v1.DeviceAccess[];
}

export type DrainState =
  | 'UNKNOWN'
  | 'DRAINING'
  | 'DRAINED';

export interface DrainConfig {
  max_grace_period?: v1.DurationInfo;
  mark_gone?: boolean;
}

export interface DrainInfo {
  state: v1.DrainState;
  config: v1.DrainConfig;
}
