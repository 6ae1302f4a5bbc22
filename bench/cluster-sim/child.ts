// Entry point of a simulator child process: agents or frameworks, as the coordinator's `start`
// message says (see ipc.ts).

import { AgentHost } from './agents.ts';
import { FrameworkHost } from './frameworks.ts';
import { serveHost } from './ipc.ts';

serveHost((config) => (config.role === 'agents' ? new AgentHost(config) : new FrameworkHost(config)));
