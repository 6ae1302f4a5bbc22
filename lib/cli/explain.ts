// `mesosctl framework explain` for people: the allocator's EXPLAIN_ALLOCATION answer
// (docs/operator-api.md, docs/allocator.md section 8) as labelled lines, ending with the reason
// and its sentence and, for a framework that got nothing, what an operator can do about it.
// Pure: the command prints these lines; tests read them.

import { encodeValue } from '../api/codec.ts';
import type * as master from '../types/master.ts';
import { describeQuantities, formatNumber, formatQuantities, formatShare } from './format.ts';

/** What an operator can do about each reason a framework got no offers. */
export const REASON_HINTS: Readonly<Record<string, string>> = {
  INACTIVE: 'The framework must subscribe again (its scheduler is disconnected or deactivated).',
  SUPPRESSED: 'The framework must send REVIVE for this role to get offers again.',
  NO_AGENTS: "Check 'mesosctl agent list': agents may be deactivated, draining or disconnected.",
  NOT_SUBSCRIBED: 'Give a role the framework subscribed to (--role).',
  GPU: 'Give the framework the GPU_RESOURCES capability, or add agents without GPUs.',
  NOTHING_LEFT: "Other frameworks hold the free resources: add agents, lower their share with 'mesosctl weights set', or guarantee this role resources with 'mesosctl quota set --guarantee'.",
  LIMIT: "Raise the role's limit with 'mesosctl quota set <role> --limit ...', or remove it with 'mesosctl quota remove <role>'.",
  MIN_ALLOCATABLE: "What is left on each agent is below the master's --min_allocatable_resources or the framework's own minimum.",
  FILTERED: 'The framework declined these agents; its filters expire after refuse_seconds, or it can REVIVE.',
};

/** A 0-based rank as people count: 1st is `#1`; -1 (no rank: the random sorter) is `-`. */
function rank(value: number): string {
  return value < 0 ? '-' : `#${value + 1}`;
}

function hasAny(quantities: Readonly<Record<string, number>> | undefined): boolean {
  return Object.keys(quantities ?? {}).length > 0;
}

/**
 * The EXPLAIN_ALLOCATION answer as `--json` prints it: the message in Mesos's JSON dialect, with
 * the maps and lists the codec leaves out when empty written as `{}` and `[]`, so that every
 * documented field is present.
 */
export function explainDocument(e: master.Response.ExplainAllocation): Record<string, unknown> {
  const encoded = encodeValue('mesos.v1.master.Response.ExplainAllocation', e) as Record<string, unknown>;
  return {
    ...encoded,
    suppressed_roles: encoded['suppressed_roles'] ?? [],
    quota_guarantee: encoded['quota_guarantee'] ?? {},
    quota_limit: encoded['quota_limit'] ?? {},
    quota_consumed: encoded['quota_consumed'] ?? {},
    offered: encoded['offered'] ?? {},
    skips: encoded['skips'] ?? {},
  };
}

/** What a framework holds right now, from GET_FRAMEWORKS: its outstanding offers. */
export interface Holding {
  readonly offers: number;
  readonly offered: Readonly<Record<string, number>>;
}

/**
 * The explanation as `[label, text]` lines, in the order people read them. With `holding`, a line
 * says what offers the framework holds: the allocator counts those as its own, so a framework that
 * holds everything reads "nothing in the last cycle".
 */
export function explainLines(e: master.Response.ExplainAllocation, holding?: Holding): [string, string][] {
  const skips = Object.entries(e.skips ?? {}).filter(([, n]) => n > 0).map(([name, n]) => `${name} ${n}`);
  const quota = [
    `guarantee ${formatQuantities(e.quota_guarantee)}`,
    `limit ${formatQuantities(e.quota_limit)}`,
    `consumed ${formatQuantities(e.quota_consumed)}`,
  ].join(', ');
  const lines: [string, string][] = [
    ['Framework', e.framework_id.value],
    ['Role', `${e.role} (weight ${formatNumber(e.weight, 3)})`],
    ['Share', `${formatShare(e.share)} of the role, rank ${rank(e.rank)} among its frameworks`],
    ['Role share', `${formatShare(e.role_share)}, rank ${rank(e.role_rank)} among roles`],
    ['Active', e.active ? 'yes' : 'no'],
    ['Suppressed', e.suppressed ? 'yes' : (e.suppressed_roles ?? []).length > 0 ? `no (suppressed roles: ${e.suppressed_roles!.join(', ')})` : 'no'],
    ['Filters', `${e.filters} covering ${e.filtered_agents} agent${e.filtered_agents === 1 ? '' : 's'}`],
    ['Quota', hasAny(e.quota_guarantee) || hasAny(e.quota_limit) ? `role ${e.quota_role}: ${quota}` : `none (role ${e.quota_role}: consumed ${formatQuantities(e.quota_consumed)})`],
    ['Offered', hasAny(e.offered) ? `${describeQuantities(e.offered)} in the last cycle` : 'nothing in the last cycle'],
    ...(holding === undefined ? [] : [['Holding', holding.offers === 0
      ? 'no offers'
      : `${holding.offers} offer${holding.offers === 1 ? '' : 's'} (${describeQuantities(holding.offered)})`] as [string, string]]),
    ['Last cycle', `${e.candidates} candidate agent${e.candidates === 1 ? '' : 's'}${skips.length > 0 ? `, skipped: ${skips.join(', ')}` : ''}`],
    ['Reason', `${e.reason}: ${e.message}`],
  ];
  const hint = REASON_HINTS[e.reason];
  if (hint !== undefined) lines.push(['Hint', hint]);
  return lines;
}
