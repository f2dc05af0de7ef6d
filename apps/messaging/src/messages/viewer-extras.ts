import { Injectable } from '@nestjs/common';
import { toSeconds } from '@parley/common';
import { Message, ReactionCount } from '@parley/contracts';
import { goalOf, isGoalCompleted } from '../interactions/interaction-goal';
import { InteractionRepository, InteractionRow } from '../interactions/interaction.repository';
import { ReactionCountRow, ReactionRepository } from '../reactions/reaction.repository';
import { RenderRow } from './message.entity';

/**
 * What a message shows one viewer beyond its stored content (a user; `undefined` is the app):
 * - `data.reactions`: `[{reaction, count, reactedByMe}]` when it has reactions;
 * - `mentionedMe` when it mentions anyone;
 * - on interactive messages, `data.interactions` (`{elementId, interactedAt}`: the viewer's own;
 *   the app sees everyone's, with `interactedBy`) and `data.interactionGoalCompleted` (the
 *   viewer's interactions meet the goal; for the app, anyone's do).
 * Two queries at most for a page, and none for messages without reactions or interactivity.
 */
@Injectable()
export class ViewerExtras {
  constructor(
    private readonly reactions: ReactionRepository,
    private readonly interactions: InteractionRepository,
  ) {}

  async apply(
    appId: string,
    rows: RenderRow[],
    messages: Message[],
    viewer: string | undefined,
  ): Promise<void> {
    const reacted = rows.filter((r) => r.reaction_count > 0).map((r) => r.id);
    const interactive = rows.filter((r) => r.category === 'interactive').map((r) => r.id);
    const [counts, interactions] = await Promise.all([
      this.reactions.counts(appId, reacted, viewer),
      this.interactions.of(appId, interactive, viewer),
    ]);
    const countsOf = groupBy(counts, (c) => c.message_id);
    const interactionsOf = groupBy(interactions, (i) => i.message_id);
    rows.forEach((row, i) => {
      const message = messages[i];
      const summary = countsOf.get(row.id);
      if (summary) message.data.reactions = summary.map(toReactionCount);
      if (row.mentioned_uids.length && viewer !== undefined) {
        message.mentionedMe = row.mentioned_uids.includes(viewer);
      }
      if (row.category === 'interactive') {
        applyInteractions(message, row, interactionsOf.get(row.id) ?? [], viewer);
      }
    });
  }
}

/** A message's counted reactions as `data.reactions` shows them. */
export function toReactionCount(c: ReactionCountRow): ReactionCount {
  return { reaction: c.reaction, count: c.count, reactedByMe: c.reacted_by_viewer };
}

function applyInteractions(
  message: Message,
  row: RenderRow,
  rows: InteractionRow[],
  viewer: string | undefined,
): void {
  const goal = goalOf(row.data);
  message.data.interactions = rows.map((r) => ({
    elementId: r.element_id,
    interactedAt: toSeconds(r.interacted_at),
    ...(viewer === undefined ? { interactedBy: r.uid } : {}),
  }));
  const byUser = groupBy(rows, (r) => r.uid);
  message.data.interactionGoalCompleted = [...byUser.values()].some((mine) =>
    isGoalCompleted(
      goal,
      mine.map((r) => r.element_id),
    ),
  );
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
