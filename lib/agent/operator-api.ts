// The agent's operator API (mesos-api.md section 3.1), `POST /api/v1`: the v1 agent
// Call/Response API (include/mesos/v1/agent/agent.proto), and the agent's metrics, which
// GET_METRICS, `/metrics/snapshot` and `/metrics` report (lib/common/metrics-routes.ts).
//
// `/api/v1` checks a request in Mesos's order (src/slave/http.cpp `Http::api`, `Http::_api`):
//   method (the router: 405) -> recovered? (503) -> Content-Type (400 missing, 415 other)
//   -> Message-Content-Type (415) -> Accept (406) -> Message-Accept (406) -> body (413/408)
//   -> JSON and Call (400) -> agent::call::validate (400) -> the call.
// Queries answer 200 with `{"type":"GET_X","get_x":{...}}`; KILL_CONTAINER answers 200 with an
// empty body, as Mesos's `OK()`. Calls this agent does not implement (nested containers, attach,
// standalone containers, resource provider configs, images, logging level) answer 501.
//
// The handlers below are pure where they can be: functions of the agent's books (or of what was
// read from the sandboxes and the metrics registry) to the Response message. I/O stays in the
// dispatcher: files are read through the /files endpoints' SandboxFiles (same confinement), and
// containers' usage through state.ts's `containerUsage`, which also serves /monitor/statistics.

import { constants as fsConstants } from 'node:fs';
import { constants as osConstants } from 'node:os';

import { validateId } from '../api/ids.ts';
import { MesosError } from '../common/errors.ts';
import {
  APPLICATION_JSON,
  acceptsMediaType,
  decodeCall,
  emptyReply,
  messageReply,
  negotiateJsonAccept,
  parseJsonBody,
  requestContentType,
  type Reply,
  type RequestContext,
} from '../common/http.ts';
import type { Metrics } from '../common/metrics.ts';
import type * as agentApi from '../types/agent.ts';
import type * as v1 from '../types/mesos.ts';
import { AGENT_VERSION, isTerminal, type Agent, type AgentFramework, type AgentTask } from './agent.ts';
import type { FileInfo, SandboxFiles } from './files.ts';
import {
  commandExecutorName,
  containerUsage,
  executorGroups,
  executorStateCounts,
  scalarResources,
  taskStateCounts,
  type ContainerUsage,
  type ExecutorGroup,
} from './state.ts';

const APPLICATION_RECORDIO = 'application/recordio';
const MESSAGE_CONTENT_TYPE = 'Message-Content-Type';
const MESSAGE_ACCEPT = 'Message-Accept';

type Call = agentApi.Call;
type CallType = agentApi.Call.Type;
type Response = agentApi.Response;

/** What the operator API works on besides the agent: the server's parts. */
export interface OperatorEnv {
  readonly files: SandboxFiles;
  readonly metrics: Metrics;
  /** The flags as given, for GET_FLAGS (and `/flags`). */
  readonly flags: Readonly<Record<string, string>>;
}

// ---------------------------------------------------------------------------------------------
// Validation (src/slave/validation.cpp `agent::call::validate`)

/**
 * The payload each call must carry. GET_CONTAINERS and PRUNE_IMAGES may leave theirs out, as in
 * Mesos; calls missing from this table carry none.
 */
const PAYLOADS: Partial<Record<CallType, keyof Call>> = {
  GET_METRICS: 'get_metrics',
  SET_LOGGING_LEVEL: 'set_logging_level',
  LIST_FILES: 'list_files',
  READ_FILE: 'read_file',
  LAUNCH_NESTED_CONTAINER: 'launch_nested_container',
  WAIT_NESTED_CONTAINER: 'wait_nested_container',
  KILL_NESTED_CONTAINER: 'kill_nested_container',
  REMOVE_NESTED_CONTAINER: 'remove_nested_container',
  LAUNCH_NESTED_CONTAINER_SESSION: 'launch_nested_container_session',
  ATTACH_CONTAINER_INPUT: 'attach_container_input',
  ATTACH_CONTAINER_OUTPUT: 'attach_container_output',
  LAUNCH_CONTAINER: 'launch_container',
  WAIT_CONTAINER: 'wait_container',
  KILL_CONTAINER: 'kill_container',
  REMOVE_CONTAINER: 'remove_container',
  ADD_RESOURCE_PROVIDER_CONFIG: 'add_resource_provider_config',
  UPDATE_RESOURCE_PROVIDER_CONFIG: 'update_resource_provider_config',
  REMOVE_RESOURCE_PROVIDER_CONFIG: 'remove_resource_provider_config',
  MARK_RESOURCE_PROVIDER_GONE: 'mark_resource_provider_gone',
};

/**
 * Why a decoded call is invalid, in Mesos's words, or undefined. A `type` name the codec does
 * not know is dropped while decoding (proto2's rule for an optional enum), so it arrives here as
 * a missing type, as in Mesos.
 */
export function validateCall(call: Call): string | undefined {
  if (call.type === undefined) return "Expecting 'type' to be present";
  const payload = PAYLOADS[call.type];
  if (payload !== undefined && call[payload] === undefined) return `Expecting '${payload}' to be present`;
  if (call.type === 'KILL_CONTAINER') {
    const invalid = validateContainerId(call.kill_container!.container_id);
    if (invalid !== undefined) return `'kill_container.container_id' is invalid: ${invalid}`;
  }
  return undefined;
}

/** Mesos's `validateContainerId`: every level is a valid ID. */
function validateContainerId(id: v1.ContainerID): string | undefined {
  const invalid = validateId(id.value);
  if (invalid !== undefined) return invalid;
  if (id.parent === undefined) return undefined;
  const parent = validateContainerId(id.parent);
  return parent === undefined ? undefined : `'ContainerID.parent' is invalid: ${parent}`;
}

/** A ContainerID as Mesos prints it: `parent.child`. */
function containerIdText(id: v1.ContainerID): string {
  return id.parent === undefined ? id.value : `${containerIdText(id.parent)}.${id.value}`;
}

/** Why each call we do not implement is not there, for its 501. */
const NOT_IMPLEMENTED: Partial<Record<CallType, string>> = {
  GET_LOGGING_LEVEL: 'this agent has no adjustable logging level',
  SET_LOGGING_LEVEL: 'this agent has no adjustable logging level',
  LAUNCH_NESTED_CONTAINER: 'nested containers are not supported by this agent',
  WAIT_NESTED_CONTAINER: 'nested containers are not supported by this agent',
  KILL_NESTED_CONTAINER: 'nested containers are not supported by this agent',
  REMOVE_NESTED_CONTAINER: 'nested containers are not supported by this agent',
  LAUNCH_NESTED_CONTAINER_SESSION: 'nested containers are not supported by this agent',
  ATTACH_CONTAINER_INPUT: 'attaching to a container\'s input is not supported by this agent',
  ATTACH_CONTAINER_OUTPUT: 'attaching to a container\'s output is not supported by this agent',
  LAUNCH_CONTAINER: 'standalone containers are not supported by this agent',
  WAIT_CONTAINER: 'standalone containers are not supported by this agent',
  REMOVE_CONTAINER: 'standalone containers are not supported by this agent',
  ADD_RESOURCE_PROVIDER_CONFIG: 'resource providers are not supported by this agent',
  UPDATE_RESOURCE_PROVIDER_CONFIG: 'resource providers are not supported by this agent',
  REMOVE_RESOURCE_PROVIDER_CONFIG: 'resource providers are not supported by this agent',
  MARK_RESOURCE_PROVIDER_GONE: 'resource providers are not supported by this agent',
  PRUNE_IMAGES: 'this agent runs no container images',
};

/** The calls whose answer is a stream (`Accept: application/recordio`). */
const STREAMING_RESPONSES: ReadonlySet<CallType> = new Set(['LAUNCH_NESTED_CONTAINER_SESSION', 'ATTACH_CONTAINER_OUTPUT']);

// ---------------------------------------------------------------------------------------------
// The HTTP side

/**
 * POST /api/v1. `ready` returns the agent once it has recovered, and throws
 * SERVICE_UNAVAILABLE (503) before.
 */
export async function operatorHandler(ready: () => Agent, env: OperatorEnv, ctx: RequestContext): Promise<Reply> {
  const agent = ready();
  const contentType = ctx.header('content-type');
  // Only ATTACH_CONTAINER_INPUT streams its request (application/recordio), and it is not built.
  if (contentType === APPLICATION_RECORDIO) {
    throw new MesosError('NOT_IMPLEMENTED', `Streaming requests (${APPLICATION_RECORDIO}, ATTACH_CONTAINER_INPUT): ${NOT_IMPLEMENTED.ATTACH_CONTAINER_INPUT}`);
  }
  requestContentType(contentType);
  if (ctx.header(MESSAGE_CONTENT_TYPE) !== undefined) {
    throw new MesosError('UNSUPPORTED_MEDIA_TYPE', `Expecting '${MESSAGE_CONTENT_TYPE}' to be not set for non-streaming requests`);
  }
  // JSON whenever the client takes it; a client that takes only a stream gets one only from the
  // streaming calls (which are not built here); anything else is 406.
  const accept = ctx.header('accept');
  const streaming = !acceptsMediaType(accept, APPLICATION_JSON) && acceptsMediaType(accept, APPLICATION_RECORDIO);
  if (!streaming) negotiateJsonAccept(accept);
  if (!streaming && ctx.header(MESSAGE_ACCEPT) !== undefined) {
    throw new MesosError('NOT_ACCEPTABLE', `Expecting '${MESSAGE_ACCEPT}' to be not set for non-streaming responses`);
  }

  const call = decodeCall('mesos.v1.agent.Call', parseJsonBody(await ctx.body()));
  const invalid = validateCall(call);
  if (invalid !== undefined) throw new MesosError('BAD_REQUEST', `Failed to validate agent::Call: ${invalid}`);
  const type = call.type!;
  if (type === 'UNKNOWN') throw new MesosError('NOT_IMPLEMENTED', 'Received an agent call of type UNKNOWN');
  const missing = NOT_IMPLEMENTED[type];
  if (missing !== undefined) throw new MesosError('NOT_IMPLEMENTED', `${type} is not implemented: ${missing}`);
  if (streaming && !STREAMING_RESPONSES.has(type)) {
    throw new MesosError('NOT_ACCEPTABLE', `Streaming response is not supported for ${type} call`);
  }
  authorize({ principal: undefined }, call);
  return messageReplyOrEmpty(await dispatch(agent, env, call));
}

/**
 * The one place every agent operator call is authorized. There is no authorizer yet, so every
 * caller may make every call (Mesos without `--acls`); the ACL check will live here.
 */
export function authorize(_caller: { readonly principal: string | undefined }, _call: Call): void {}

function messageReplyOrEmpty(response: Response | undefined): Reply {
  return response === undefined ? emptyReply(200) : messageReply('mesos.v1.agent.Response', response);
}

/** Runs a valid, implemented call; undefined is an empty 200 (an action). */
async function dispatch(agent: Agent, env: OperatorEnv, call: Call): Promise<Response | undefined> {
  switch (call.type) {
    case 'GET_HEALTH':
      return getHealth();
    case 'GET_FLAGS':
      return getFlags(env.flags);
    case 'GET_VERSION':
      return getVersion();
    case 'GET_METRICS':
      return getMetrics(env.metrics.snapshot());
    case 'GET_STATE':
      return getState(agent);
    case 'GET_CONTAINERS':
      return getContainers(containerUsage(agent));
    case 'GET_FRAMEWORKS':
      return getFrameworks(agent);
    case 'GET_EXECUTORS':
      return getExecutors(agent);
    case 'GET_TASKS':
      return getTasks(agent);
    case 'GET_AGENT':
      return getAgent(agent);
    case 'GET_OPERATIONS':
      return { type: 'GET_OPERATIONS', get_operations: {} };
    case 'GET_RESOURCE_PROVIDERS':
      return { type: 'GET_RESOURCE_PROVIDERS', get_resource_providers: {} };
    case 'LIST_FILES':
      return listFiles(await env.files.browse(call.list_files!.path));
    case 'READ_FILE':
      return readFile(env.files, call.read_file!);
    case 'KILL_CONTAINER':
      killContainer(agent, call.kill_container!);
      return undefined;
    default:
      throw new MesosError('INTERNAL', `no handler for agent call ${call.type ?? 'without a type'}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Introspection

export function getHealth(): Response {
  return { type: 'GET_HEALTH', get_health: { healthy: true } };
}

/** The flags as given, by name (Mesos lists them in name order). */
export function getFlags(flags: Readonly<Record<string, string>>): Response {
  const names = Object.keys(flags).sort();
  return { type: 'GET_FLAGS', get_flags: { flags: names.map((name) => ({ name, value: flags[name]! })) } };
}

/** What `/version` and GET_VERSION report. */
export function versionInfo(): v1.VersionInfo {
  return { version: AGENT_VERSION, build_user: 'mesos-ts', git_tag: `mesos-ts-${AGENT_VERSION}` };
}

export function getVersion(): Response {
  return { type: 'GET_VERSION', get_version: { version_info: versionInfo() } };
}

/** A metrics snapshot as GET_METRICS lists it: one Metric per name, in name order (the snapshot's). */
export function getMetrics(snapshot: Readonly<Record<string, number>>): Response {
  return { type: 'GET_METRICS', get_metrics: { metrics: Object.entries(snapshot).map(([name, value]) => ({ name, value })) } };
}

// ---------------------------------------------------------------------------------------------
// State queries

/** Every framework on the books, then the completed ones, with its id. */
function allFrameworks(agent: Agent): { id: string; framework: AgentFramework }[] {
  return [
    ...[...agent.frameworks].map(([id, framework]) => ({ id, framework })),
    ...agent.completedFrameworks.map((framework) => ({ id: framework.info.id?.value ?? '', framework })),
  ];
}

export function getFrameworks(agent: Agent): Response {
  return {
    type: 'GET_FRAMEWORKS',
    get_frameworks: {
      frameworks: [...agent.frameworks.values()].map((f) => ({ framework_info: f.info })),
      completed_frameworks: agent.completedFrameworks.map((f) => ({ framework_info: f.info })),
    },
  };
}

/**
 * The ExecutorInfo of an executor group. A command task is its own executor: Mesos synthesizes
 * its info (named "Command Executor (Task: ...) (Command: ...)", source the task id, the task's
 * resources); ours is the same less the `command`, since no executor program runs. An executor
 * whose record is gone (its tasks completed) is known only by id and kind.
 */
function executorInfoOf(frameworkId: string, group: ExecutorGroup): v1.ExecutorInfo {
  const framework_id = { value: frameworkId };
  if (group.executor?.info) return { ...group.executor.info, framework_id };
  const first = group.tasks[0];
  if (first?.kind === 'command') {
    return {
      executor_id: { value: group.executorId },
      framework_id,
      name: commandExecutorName(first),
      source: first.info.task_id.value,
      resources: first.info.resources ?? [],
    };
  }
  return { executor_id: { value: group.executorId }, framework_id, type: first?.kind === 'custom' ? 'CUSTOM' : 'DEFAULT' };
}

export function getExecutors(agent: Agent): Response {
  return { type: 'GET_EXECUTORS', get_executors: executorsOf(agent) };
}

function executorsOf(agent: Agent): agentApi.Response.GetExecutors {
  const executors: agentApi.Response.GetExecutors.Executor[] = [];
  const completed: agentApi.Response.GetExecutors.Executor[] = [];
  for (const { id, framework } of allFrameworks(agent)) {
    for (const group of executorGroups(framework)) {
      (group.ended ? completed : executors).push({ executor_info: executorInfoOf(id, group) });
    }
  }
  return { executors, completed_executors: completed };
}

/**
 * A task as a v1 Task message. As in Mesos, a command task has no executor id; the statuses are
 * the ones the agent keeps (the latest 20), and `status_update_state`/`_uuid` are the latest
 * update's.
 */
export function taskMessage(agent: Agent, task: AgentTask): v1.Task {
  const info = task.info;
  const last = task.statuses.at(-1);
  return {
    name: info.name,
    task_id: info.task_id,
    framework_id: { value: task.frameworkId },
    ...(task.kind === 'command' ? {} : { executor_id: { value: task.executorId } }),
    agent_id: { value: agent.agentId ?? info.agent_id.value },
    state: task.state,
    resources: info.resources ?? [],
    statuses: task.statuses,
    ...(last ? { status_update_state: last.state, ...(last.uuid === undefined ? {} : { status_update_uuid: last.uuid }) } : {}),
    ...(info.labels ? { labels: info.labels } : {}),
    ...(info.discovery ? { discovery: info.discovery } : {}),
    ...(info.container ? { container: info.container } : {}),
    ...(info.health_check ? { health_check: info.health_check } : {}),
    ...(info.kill_policy ? { kill_policy: info.kill_policy } : {}),
    ...(info.command?.user ? { user: info.command.user } : {}),
  };
}

/**
 * The agent's tasks in Mesos's four lists: `queued_tasks` (STAGING: waiting for a launch slot or
 * for their executor to subscribe), `launched_tasks` (started, not terminal), `terminated_tasks`
 * (terminal, their update not yet acknowledged) and `completed_tasks` (acknowledged, kept for
 * the record). `pending_tasks` is always empty: a task is on an executor's books as soon as the
 * agent takes it.
 */
export function getTasks(agent: Agent): Response {
  return { type: 'GET_TASKS', get_tasks: tasksOf(agent) };
}

function tasksOf(agent: Agent): agentApi.Response.GetTasks {
  const queued: v1.Task[] = [];
  const launched: v1.Task[] = [];
  const terminated: v1.Task[] = [];
  const completed: v1.Task[] = [];
  for (const { framework } of allFrameworks(agent)) {
    for (const task of framework.tasks.values()) {
      const list = isTerminal(task.state) ? terminated : task.state === 'TASK_STAGING' ? queued : launched;
      list.push(taskMessage(agent, task));
    }
    for (const task of framework.completed) completed.push(taskMessage(agent, task));
  }
  return { queued_tasks: queued, launched_tasks: launched, terminated_tasks: terminated, completed_tasks: completed };
}

/** GET_STATE: GET_TASKS, GET_EXECUTORS and GET_FRAMEWORKS in one. */
export function getState(agent: Agent): Response {
  return {
    type: 'GET_STATE',
    get_state: { get_tasks: tasksOf(agent), get_executors: executorsOf(agent), get_frameworks: getFrameworks(agent).get_frameworks! },
  };
}

export function getAgent(agent: Agent): Response {
  return { type: 'GET_AGENT', get_agent: { agent_info: agent.agentInfo() } };
}

/**
 * The running containers with their status (the main process's pid) and usage. Every container
 * here is top-level: a task group member, a nested container in Mesos, runs in a container of
 * its own, so `show_nested` and `show_standalone` change nothing.
 */
export function getContainers(usage: readonly ContainerUsage[]): Response {
  return {
    type: 'GET_CONTAINERS',
    get_containers: {
      containers: usage.map((u) => ({
        framework_id: { value: u.frameworkId },
        executor_id: { value: u.executorId },
        executor_name: u.executorName,
        container_id: { value: u.containerId },
        container_status: { container_id: { value: u.containerId }, ...(u.pid === undefined ? {} : { executor_pid: u.pid }) },
        resource_statistics: u.statistics,
      })),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Files: through the /files endpoints' SandboxFiles, so the same paths are served and refused
// (`..`, paths outside the sandboxes and symlinks out of them are 404, like a missing file).

// The type letter of an `ls -l` mode string and the file type bits it stands for.
const FILE_TYPE_BITS: Readonly<Record<string, number>> = {
  '-': fsConstants.S_IFREG,
  d: fsConstants.S_IFDIR,
  c: fsConstants.S_IFCHR,
  b: fsConstants.S_IFBLK,
  p: fsConstants.S_IFIFO,
  l: fsConstants.S_IFLNK,
  s: fsConstants.S_IFSOCK,
};

/**
 * The numeric mode (st_mode) of a `/files/browse` mode string: `-rw-r--r--` -> 0o100644,
 * `drwxr-xr-x` -> 0o40755. The string carries the type and the nine permission bits only, so
 * setuid, setgid and sticky bits are not in the number.
 */
export function modeNumber(mode: string): number {
  let bits = FILE_TYPE_BITS[mode[0] ?? '-'] ?? fsConstants.S_IFREG;
  for (let i = 1; i <= 9; i++) if (mode[i] !== undefined && mode[i] !== '-') bits |= 1 << (9 - i);
  return bits;
}

/** LIST_FILES from a `/files/browse` listing: v1 FileInfo, mtime as a TimeInfo. */
export function listFiles(entries: readonly FileInfo[]): Response {
  return {
    type: 'LIST_FILES',
    list_files: {
      file_infos: entries.map((e) => ({
        path: e.path,
        nlink: e.nlink,
        size: e.size,
        mtime: { nanoseconds: e.mtime * 1e9 },
        mode: modeNumber(e.mode),
        uid: e.uid,
        gid: e.gid,
      })),
    },
  };
}

/**
 * READ_FILE: the file's size and up to `length` bytes (at most the /files read limit, 64 KiB)
 * from `offset`, base64 as Mesos writes bytes in JSON, exactly as they are in the file. An offset
 * at or past the end reads nothing.
 */
async function readFile(files: SandboxFiles, read: agentApi.Call.ReadFile): Promise<Response> {
  const size = (await files.readBytes(read.path, -1)).offset;
  const { bytes } = await files.readBytes(read.path, read.offset, read.length ?? -1);
  return { type: 'READ_FILE', read_file: { size, data: bytes.toString('base64') } };
}

// ---------------------------------------------------------------------------------------------
// Actions

/** Signal numbers by name, the other way round: 15 -> SIGTERM. */
const SIGNAL_NAMES = new Map<number, NodeJS.Signals>(
  Object.entries(osConstants.signals).map(([name, number]) => [number, name as NodeJS.Signals]),
);

/**
 * KILL_CONTAINER: the signal (SIGKILL when none is given, as Mesos) to a top-level container.
 * 404 for a container the agent does not run, as Mesos; a nested container id names nothing here.
 */
function killContainer(agent: Agent, kill: agentApi.Call.KillContainer): void {
  const signal = SIGNAL_NAMES.get(kill.signal ?? osConstants.signals.SIGKILL);
  if (signal === undefined) throw new MesosError('BAD_REQUEST', `'kill_container.signal' is invalid: ${kill.signal} is not a signal`);
  const id = kill.container_id;
  const outcome = id.parent === undefined ? agent.killContainer(id.value, signal) : 'not-found';
  if (outcome === 'not-found') {
    throw new MesosError('NOT_FOUND', `Container '${containerIdText(id)}' cannot be found (or is already killed)`);
  }
  if (outcome === 'launching') {
    throw new MesosError('SERVICE_UNAVAILABLE', `Container '${id.value}' is still launching: only SIGKILL can stop it now; try again`);
  }
}

// ---------------------------------------------------------------------------------------------
// Metrics

/** The scalar resources Mesos's agent reports (slave/<r>_total, _used, _percent, and _revocable_). */
const RESOURCE_KINDS = ['cpus', 'gpus', 'mem', 'disk'] as const;

/** Task states the agent reports as gauges: the tasks currently in them. */
const LIVE_STATES = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING'] as const;

/**
 * The agent's gauges under Mesos's names (src/slave/metrics.cpp), read from its books at each
 * snapshot. `agent` is undefined until recovery ends; until then only uptime is reported. The
 * cumulative counters (tasks_finished, ..., valid_status_updates) are the agent's own (agent.ts).
 */
export function registerAgentMetrics(metrics: Metrics, agent: () => Agent | undefined, startTime: number): void {
  metrics.gauge('slave/uptime_secs', () => Date.now() / 1000 - startTime);
  metrics.gaugeSet('slave/state', function* () {
    const a = agent();
    if (a === undefined) return;
    yield ['slave/registered', a.registered ? 1 : 0];
    yield ['slave/frameworks_active', a.frameworks.size];
    const tasks = taskStateCounts(a);
    for (const state of LIVE_STATES) yield [`slave/tasks_${state.slice('TASK_'.length).toLowerCase()}`, tasks.get(state) ?? 0];
    const executors = executorStateCounts(a);
    yield ['slave/executors_registering', executors.registering];
    yield ['slave/executors_running', executors.running];
    yield ['slave/executors_terminating', executors.terminating];
  });
  metrics.gaugeSet('slave/resources', function* () {
    const a = agent();
    if (a === undefined) return;
    const { total, used } = scalarResources(a);
    for (const kind of RESOURCE_KINDS) {
      for (const name of [kind, `${kind}_revocable`]) {
        const t = total.get(name) ?? 0;
        const u = used.get(name) ?? 0;
        yield [`slave/${name}_total`, t];
        yield [`slave/${name}_used`, u];
        // Mesos reports 0 when there is none of the resource.
        yield [`slave/${name}_percent`, t === 0 ? 0 : u / t];
      }
    }
  });
}
