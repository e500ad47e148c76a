import { Router } from 'express';
import { commentAddress } from '../comments/comment.js';
import type { CommentService } from '../comments/comment.service.js';
import type { DB } from '../db/database.js';
import { excerpt } from '../moderation/queue-view.js';
import { questionPath } from '../questions/question.js';
import { questionBySlug } from '../questions/question.service.js';
import type { SettingsSource } from '../settings/settings.service.js';
import type { Templates } from '../views/templates.js';
import type { OpinionMap } from './opinion-map.js';
import { MIN_VOTES_PER_COMMENT, type OpinionMaps } from './opinion-map.service.js';
import { groupColour, groupLetter, opinionMapSvg } from './opinion-map-svg.js';

/** Where a question's map is. */
export const mapPath = (slug: string) => `${questionPath(slug)}/map`;

/** The map as PRODUCT.md gives it: groups, consensus and divisive comments, by id, and nobody's votes. */
export function mapJson(map: OpinionMap) {
  return {
    participants: map.participants,
    groups: map.groups.map((group) => ({ id: group.id, size: group.size, representative: group.representative })),
    consensus: map.consensus,
    divisive: map.divisive,
  };
}

export function opinionMapRoutes(deps: {
  db: DB;
  templates: Templates;
  maps: OpinionMaps;
  comments: CommentService;
  settings: SettingsSource;
}): Router {
  const { db, templates, maps, comments, settings } = deps;
  const router = Router();

  router.get('/api/questions/:slug/map', async (req, res) => {
    const question = await questionBySlug(db, req.params.slug as string);
    const { map } = await maps.get(question.id);
    res.json(mapJson(map));
  });

  router.get('/questions/:slug/map', async (req, res) => {
    const question = await questionBySlug(db, req.params.slug as string);
    const [{ map, computedAt }, rules] = await Promise.all([maps.get(question.id), settings.current()]);
    const listed = [...new Set([...map.groups.flatMap((g) => g.representative), ...map.consensus, ...map.divisive])];
    const found = new Map((await comments.listByIds(listed)).map((comment) => [comment.id, comment]));
    const quote = (ids: readonly number[]) =>
      ids.flatMap((id) => {
        const comment = found.get(id);
        // Removed since the map was made: left out rather than quoted.
        if (comment?.status !== 'approved') return [];
        return [{ id, author: comment.author, excerpt: excerpt(comment.html, 240), url: commentAddress(id) }];
      });
    res.type('html').send(
      templates.page('opinion-map', {
        title: `Where people agree: ${question.wording}`,
        question: { wording: question.wording, url: questionPath(question.slug) },
        ready: map.ready,
        participants: map.participants,
        rules: { minVoters: rules.mapMinVoters, minComments: rules.mapMinComments, perComment: MIN_VOTES_PER_COMMENT },
        commentCount: map.commentIds.length,
        explainedPercent: Math.round(map.explained * 100),
        svg: map.ready ? opinionMapSvg(map, 'opinion-map-title') : null,
        groups: map.groups.map((group) => ({
          letter: groupLetter(group.id),
          colour: groupColour(group.id),
          size: group.size,
          percent: Math.round((group.size / Math.max(1, map.participants)) * 100),
          representative: quote(group.representative),
        })),
        consensus: quote(map.consensus),
        divisive: quote(map.divisive),
        computedAt,
      }),
    );
  });

  return router;
}
