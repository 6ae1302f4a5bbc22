// mesos.v1, second part: from `Environment` to the end of Mesos's include/mesos/v1/mesos.proto
// (the first part, up to `Filters`, is in mesos.ts). Fields are listed in Mesos's declaration
// order, which is not always number order.

import { proto } from './dsl.ts';

export default proto('mesos.v1', {
  'Environment': [
    'repeated Variable variables = 1',
  ],
  'Environment.Variable': [
    'required string name = 1',
    'optional Type type = 3 [default = VALUE]',
    'optional string value = 2',
    'optional Secret secret = 4',
  ],
  'Environment.Variable.Type': { enum: ['UNKNOWN = 0', 'VALUE = 1', 'SECRET = 2'] },

  'Parameter': [
    'required string key = 1',
    'required string value = 2',
  ],
  'Parameters': [
    'repeated Parameter parameter = 1',
  ],

  'Credential': [
    'required string principal = 1',
    'optional string secret = 2',
  ],
  'Credentials': [
    'repeated Credential credentials = 1',
  ],

  'Secret': [
    'optional Type type = 1',
    // `reference` and `value` are mutually exclusive, but not a proto oneof.
    'optional Reference reference = 2',
    'optional Value value = 3',
  ],
  'Secret.Type': { enum: ['UNKNOWN = 0', 'REFERENCE = 1', 'VALUE = 2'] },
  'Secret.Reference': [
    'required string name = 1',
    'optional string key = 2',
  ],
  'Secret.Value': [
    'required bytes data = 1',
  ],

  'RateLimit': [
    'optional double qps = 1',
    'required string principal = 2',
    'optional uint64 capacity = 3',
  ],
  'RateLimits': [
    'repeated RateLimit limits = 1',
    'optional double aggregate_default_qps = 2',
    'optional uint64 aggregate_default_capacity = 3',
  ],

  'Image': [
    'required Type type = 1',
    'optional Appc appc = 2',
    'optional Docker docker = 3',
    'optional bool cached = 4 [default = true]',
  ],
  'Image.Type': { enum: ['APPC = 1', 'DOCKER = 2'] },
  'Image.Appc': [
    'required string name = 1',
    'optional string id = 2',
    'optional Labels labels = 3',
  ],
  'Image.Docker': [
    'required string name = 1',
    'optional Credential credential = 2 [deprecated]',
    'optional Secret config = 3',
  ],

  'MountPropagation': [
    'optional Mode mode = 1',
  ],
  'MountPropagation.Mode': { enum: ['UNKNOWN = 0', 'HOST_TO_CONTAINER = 1', 'BIDIRECTIONAL = 2'] },

  'Volume': [
    'required Mode mode = 3',
    'required string container_path = 1',
    'optional string host_path = 2',
    'optional Image image = 4',
    'optional Source source = 5',
  ],
  'Volume.Mode': { enum: ['RW = 1', 'RO = 2'] },
  'Volume.Source': [
    'optional Type type = 1',
    'optional DockerVolume docker_volume = 2',
    'optional HostPath host_path = 5',
    'optional SandboxPath sandbox_path = 3',
    'optional Secret secret = 4',
    'optional CSIVolume csi_volume = 6',
  ],
  'Volume.Source.Type': {
    enum: ['UNKNOWN = 0', 'DOCKER_VOLUME = 1', 'HOST_PATH = 4', 'SANDBOX_PATH = 2', 'SECRET = 3', 'CSI_VOLUME = 5'],
  },
  'Volume.Source.DockerVolume': [
    'optional string driver = 1',
    'required string name = 2',
    'optional Parameters driver_options = 3',
  ],
  'Volume.Source.HostPath': [
    'required string path = 1',
    'optional MountPropagation mount_propagation = 2',
  ],
  'Volume.Source.SandboxPath': [
    'optional Type type = 1',
    'required string path = 2',
  ],
  'Volume.Source.SandboxPath.Type': { enum: ['UNKNOWN = 0', 'SELF = 1', 'PARENT = 2'] },
  'Volume.Source.CSIVolume': [
    'required string plugin_name = 1',
    'optional StaticProvisioning static_provisioning = 2',
  ],
  'Volume.Source.CSIVolume.VolumeCapability': [
    // `block` and `mount` form the proto oneof `access_type`.
    'optional BlockVolume block = 1',
    'optional MountVolume mount = 2',
    'required AccessMode access_mode = 3',
  ],
  'Volume.Source.CSIVolume.VolumeCapability.BlockVolume': [],
  'Volume.Source.CSIVolume.VolumeCapability.MountVolume': [
    'optional string fs_type = 1',
    'repeated string mount_flags = 2',
  ],
  'Volume.Source.CSIVolume.VolumeCapability.AccessMode': [
    'required Mode mode = 1',
  ],
  'Volume.Source.CSIVolume.VolumeCapability.AccessMode.Mode': {
    enum: [
      'UNKNOWN = 0',
      'SINGLE_NODE_WRITER = 1',
      'SINGLE_NODE_READER_ONLY = 2',
      'MULTI_NODE_READER_ONLY = 3',
      'MULTI_NODE_SINGLE_WRITER = 4',
      'MULTI_NODE_MULTI_WRITER = 5',
    ],
  },
  'Volume.Source.CSIVolume.StaticProvisioning': [
    'required string volume_id = 1',
    'required VolumeCapability volume_capability = 2',
    'map<string, Secret> node_stage_secrets = 3',
    'map<string, Secret> node_publish_secrets = 4',
    'map<string, string> volume_context = 5',
  ],

  'NetworkInfo': [
    'repeated IPAddress ip_addresses = 5',
    'optional string name = 6',
    'repeated string groups = 3',
    'optional Labels labels = 4',
    'repeated PortMapping port_mappings = 7',
  ],
  'NetworkInfo.Protocol': { enum: ['IPv4 = 1', 'IPv6 = 2'] },
  'NetworkInfo.IPAddress': [
    'optional Protocol protocol = 1 [default = IPv4]',
    'optional string ip_address = 2',
  ],
  'NetworkInfo.PortMapping': [
    'required uint32 host_port = 1',
    'required uint32 container_port = 2',
    'optional string protocol = 3',
  ],

  'CapabilityInfo': [
    'repeated Capability capabilities = 1',
  ],
  // Real values start at 1000, so that 0 stays UNKNOWN.
  'CapabilityInfo.Capability': {
    enum: [
      'UNKNOWN = 0',
      'CHOWN = 1000',
      'DAC_OVERRIDE = 1001',
      'DAC_READ_SEARCH = 1002',
      'FOWNER = 1003',
      'FSETID = 1004',
      'KILL = 1005',
      'SETGID = 1006',
      'SETUID = 1007',
      'SETPCAP = 1008',
      'LINUX_IMMUTABLE = 1009',
      'NET_BIND_SERVICE = 1010',
      'NET_BROADCAST = 1011',
      'NET_ADMIN = 1012',
      'NET_RAW = 1013',
      'IPC_LOCK = 1014',
      'IPC_OWNER = 1015',
      'SYS_MODULE = 1016',
      'SYS_RAWIO = 1017',
      'SYS_CHROOT = 1018',
      'SYS_PTRACE = 1019',
      'SYS_PACCT = 1020',
      'SYS_ADMIN = 1021',
      'SYS_BOOT = 1022',
      'SYS_NICE = 1023',
      'SYS_RESOURCE = 1024',
      'SYS_TIME = 1025',
      'SYS_TTY_CONFIG = 1026',
      'MKNOD = 1027',
      'LEASE = 1028',
      'AUDIT_WRITE = 1029',
      'AUDIT_CONTROL = 1030',
      'SETFCAP = 1031',
      'MAC_OVERRIDE = 1032',
      'MAC_ADMIN = 1033',
      'SYSLOG = 1034',
      'WAKE_ALARM = 1035',
      'BLOCK_SUSPEND = 1036',
      'AUDIT_READ = 1037',
      'PERFMON = 1038',
      'BPF = 1039',
      'CHECKPOINT_RESTORE = 1040',
    ],
  },

  'SeccompInfo': [
    'optional string profile_name = 1',
    'optional bool unconfined = 2',
  ],

  'LinuxInfo': [
    'optional CapabilityInfo capability_info = 1 [deprecated]',
    'optional CapabilityInfo bounding_capabilities = 2',
    'optional CapabilityInfo effective_capabilities = 3',
    'optional bool share_pid_namespace = 4',
    'optional SeccompInfo seccomp = 5',
    'optional IpcMode ipc_mode = 6',
    'optional uint32 shm_size = 7',
    'optional bool share_cgroups = 8 [default = true]',
  ],
  'LinuxInfo.IpcMode': { enum: ['UNKNOWN = 0', 'PRIVATE = 1', 'SHARE_PARENT = 2'] },

  'RLimitInfo': [
    'repeated RLimit rlimits = 1',
  ],
  'RLimitInfo.RLimit': [
    'optional Type type = 1',
    'optional uint64 hard = 2',
    'optional uint64 soft = 3',
  ],
  'RLimitInfo.RLimit.Type': {
    enum: [
      'UNKNOWN = 0',
      'RLMT_AS = 1',
      'RLMT_CORE = 2',
      'RLMT_CPU = 3',
      'RLMT_DATA = 4',
      'RLMT_FSIZE = 5',
      'RLMT_LOCKS = 6',
      'RLMT_MEMLOCK = 7',
      'RLMT_MSGQUEUE = 8',
      'RLMT_NICE = 9',
      'RLMT_NOFILE = 10',
      'RLMT_NPROC = 11',
      'RLMT_RSS = 12',
      'RLMT_RTPRIO = 13',
      'RLMT_RTTIME = 14',
      'RLMT_SIGPENDING = 15',
      'RLMT_STACK = 16',
    ],
  },

  'TTYInfo': [
    'optional WindowSize window_size = 1',
  ],
  'TTYInfo.WindowSize': [
    'required uint32 rows = 1',
    'required uint32 columns = 2',
  ],

  'ContainerInfo': [
    'required Type type = 1',
    'repeated Volume volumes = 2',
    'optional string hostname = 4',
    'optional DockerInfo docker = 3',
    'optional MesosInfo mesos = 5',
    'repeated NetworkInfo network_infos = 7',
    'optional LinuxInfo linux_info = 8',
    'optional RLimitInfo rlimit_info = 9',
    'optional TTYInfo tty_info = 10',
  ],
  'ContainerInfo.Type': { enum: ['DOCKER = 1', 'MESOS = 2'] },
  'ContainerInfo.DockerInfo': [
    'required string image = 1',
    'optional Network network = 2 [default = HOST]',
    'repeated PortMapping port_mappings = 3',
    'optional bool privileged = 4 [default = false]',
    'repeated Parameter parameters = 5',
    'optional bool force_pull_image = 6',
    'optional string volume_driver = 7 [deprecated]',
  ],
  'ContainerInfo.DockerInfo.Network': { enum: ['HOST = 1', 'BRIDGE = 2', 'NONE = 3', 'USER = 4'] },
  'ContainerInfo.DockerInfo.PortMapping': [
    'required uint32 host_port = 1',
    'required uint32 container_port = 2',
    'optional string protocol = 3',
  ],
  'ContainerInfo.MesosInfo': [
    'optional Image image = 1',
  ],

  'ContainerStatus': [
    'optional ContainerID container_id = 4',
    'repeated NetworkInfo network_infos = 1',
    'optional CgroupInfo cgroup_info = 2',
    'optional uint32 executor_pid = 3',
  ],

  'CgroupInfo': [
    'optional NetCls net_cls = 1',
  ],
  'CgroupInfo.Blkio': [],
  'CgroupInfo.Blkio.Operation': {
    enum: ['UNKNOWN = 0', 'TOTAL = 1', 'READ = 2', 'WRITE = 3', 'SYNC = 4', 'ASYNC = 5', 'DISCARD = 6'],
  },
  'CgroupInfo.Blkio.Value': [
    'optional Operation op = 1',
    'optional uint64 value = 2',
  ],
  'CgroupInfo.Blkio.CFQ': [],
  // `Value` here is CgroupInfo.Blkio.Value (nearest scope), not mesos.v1.Value.
  'CgroupInfo.Blkio.CFQ.Statistics': [
    'optional Device.Number device = 1',
    'optional uint64 sectors = 2',
    'optional uint64 time = 3',
    'repeated Value io_serviced = 4',
    'repeated Value io_service_bytes = 5',
    'repeated Value io_service_time = 6',
    'repeated Value io_wait_time = 7',
    'repeated Value io_merged = 8',
    'repeated Value io_queued = 9',
  ],
  'CgroupInfo.Blkio.Throttling': [],
  'CgroupInfo.Blkio.Throttling.Statistics': [
    'optional Device.Number device = 1',
    'repeated Value io_serviced = 2',
    'repeated Value io_service_bytes = 3',
  ],
  'CgroupInfo.Blkio.Statistics': [
    'repeated CFQ.Statistics cfq = 1',
    'repeated CFQ.Statistics cfq_recursive = 2',
    'repeated Throttling.Statistics throttling = 3',
  ],
  'CgroupInfo.NetCls': [
    'optional uint32 classid = 1',
  ],

  'Labels': [
    'repeated Label labels = 1',
  ],
  'Label': [
    'required string key = 1',
    'optional string value = 2',
  ],

  'Port': [
    'required uint32 number = 1',
    'optional string name = 2',
    'optional string protocol = 3',
    'optional DiscoveryInfo.Visibility visibility = 4',
    'optional Labels labels = 5',
  ],
  'Ports': [
    'repeated Port ports = 1',
  ],

  'DiscoveryInfo': [
    'required Visibility visibility = 1',
    'optional string name = 2',
    'optional string environment = 3',
    'optional string location = 4',
    'optional string version = 5',
    'optional Ports ports = 6',
    'optional Labels labels = 7',
  ],
  'DiscoveryInfo.Visibility': { enum: ['FRAMEWORK = 0', 'CLUSTER = 1', 'EXTERNAL = 2'] },

  'WeightInfo': [
    'required double weight = 1',
    'optional string role = 2',
  ],

  'VersionInfo': [
    'required string version = 1',
    'optional string build_date = 2',
    'optional double build_time = 3',
    'optional string build_user = 4',
    'optional string git_sha = 5',
    'optional string git_branch = 6',
    'optional string git_tag = 7',
  ],

  'Flag': [
    'required string name = 1',
    'optional string value = 2',
  ],

  'Role': [
    'required string name = 1',
    'required double weight = 2',
    'repeated FrameworkID frameworks = 3',
    'repeated Resource resources = 4',
  ],

  'Metric': [
    'required string name = 1',
    'optional double value = 2',
  ],

  'FileInfo': [
    'required string path = 1',
    'optional int32 nlink = 2',
    'optional uint64 size = 3',
    'optional TimeInfo mtime = 4',
    'optional uint32 mode = 5',
    'optional string uid = 6',
    'optional string gid = 7',
  ],

  'Device': [
    'optional string path = 1',
    'optional Number number = 2',
  ],
  'Device.Number': [
    'required uint64 major_number = 1',
    'required uint64 minor_number = 2',
  ],

  'DeviceAccess': [
    'required Device device = 1',
    'required Access access = 2',
  ],
  'DeviceAccess.Access': [
    'optional bool read = 1',
    'optional bool write = 2',
    'optional bool mknod = 3',
  ],

  'DeviceWhitelist': [
    'repeated DeviceAccess allowed_devices = 1',
  ],

  'DrainState': { enum: ['UNKNOWN = 0', 'DRAINING = 1', 'DRAINED = 2'] },

  'DrainConfig': [
    'optional DurationInfo max_grace_period = 1',
    'optional bool mark_gone = 2 [default = false]',
  ],

  'DrainInfo': [
    'required DrainState state = 1',
    'required DrainConfig config = 2',
  ],
});
