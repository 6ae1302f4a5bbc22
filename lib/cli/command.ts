// What every mesosctl command file shares, so that each stays a thin shell: its context (from the
// root command's global options), help text with examples, the one confirming line (or JSON
// document) an action prints, and looking agents and frameworks up by id or unique id prefix.

import type { Command } from 'commander';

import type * as master from '../types/master.ts';
import { contextOf, rootOf, type CliContext } from './context.ts';
import { resolveId } from './parse.ts';

/** The context of the command an action runs for (commander passes it last). */
export function contextFor(command: Command): CliContext {
  return contextOf(rootOf(command));
}

/** Adds an "Examples:" section to `command`'s --help. */
export function withExamples(command: Command, examples: readonly string[]): Command {
  return command.addHelpText('after', ['', 'Examples:', ...examples.map((line) => `  ${line}`)].join('\n'));
}

/**
 * What an action prints once the master took it: one line for people, or with --json the
 * document `{"ok": true, "call": <the operator call>, ...details}`.
 */
export function confirm(ctx: CliContext, line: string, call: master.Call.Type, details: Record<string, unknown> = {}): void {
  if (ctx.json) ctx.out.printJson({ ok: true, call, ...details });
  else ctx.out.line(line);
}

/** The agent `given` names (its id or a unique prefix of it), from GET_AGENTS. */
export async function findAgent(ctx: CliContext, given: string): Promise<master.Response.GetAgents.Agent> {
  const agents = (await ctx.client.getAgents()).agents ?? [];
  const ids = agents.map((agent) => agent.agent_info.id?.value ?? '');
  const id = resolveId(given, ids, 'agent', "'mesosctl agent list' shows them");
  return agents[ids.indexOf(id)]!;
}

/**
 * The framework `given` names (its id or a unique prefix of it), from GET_FRAMEWORKS; with
 * `completed`, completed frameworks too.
 */
export async function findFramework(
  ctx: CliContext,
  given: string,
  completed = false,
): Promise<{ framework: master.Response.GetFrameworks.Framework; completed: boolean }> {
  const answer = await ctx.client.getFrameworks();
  const live = answer.frameworks ?? [];
  const all = [...live, ...(completed ? answer.completed_frameworks ?? [] : [])];
  const ids = all.map((f) => f.framework_info.id?.value ?? '');
  const id = resolveId(given, ids, completed ? 'framework' : 'registered framework', `'mesosctl framework list${completed ? ' --all' : ''}' shows them`);
  const index = ids.indexOf(id);
  return { framework: all[index]!, completed: index >= live.length };
}
