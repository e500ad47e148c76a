import { stringify } from 'csv-stringify/sync';
import { Router } from 'express';
import type { DB } from '../db/database.js';
import { questionPath } from '../questions/question.js';
import { questionBySlug } from '../questions/question.service.js';
import { exportAnswers } from './answers.service.js';

/** The CSV's columns, in PRODUCT.md's order. */
export const CSV_COLUMNS = ['id', 'parent_id', 'author', 'created_at', 'text', 'agree', 'disagree', 'pass'] as const;

/** A question's published answers as data: CSV for spreadsheets, JSON for scripts. */
export function answersExportRoutes(deps: { db: DB }): Router {
  const { db } = deps;
  const router = Router();

  router.get('/questions/:slug/answers.csv', async (req, res) => {
    const question = await questionBySlug(db, req.params.slug);
    const answers = await exportAnswers(db, question);
    const csv = stringify(
      answers.map((a) => [
        a.id,
        a.parentId ?? '',
        a.author,
        a.createdAt.toISOString(),
        a.text,
        a.agree,
        a.disagree,
        a.pass,
      ]),
      {
        header: true,
        columns: [...CSV_COLUMNS],
        // A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a
        // leading quote: commenters choose their names and words.
        escape_formulas: true,
        // Excel reads a CSV without a byte-order mark as the local code page.
        bom: true,
        record_delimiter: 'windows',
      },
    );
    res.type('text/csv; charset=utf-8').attachment(`${question.slug}-answers.csv`).send(csv);
  });

  router.get('/questions/:slug/answers.json', async (req, res) => {
    const question = await questionBySlug(db, req.params.slug);
    const answers = await exportAnswers(db, question);
    res.json({
      question: { id: question.id, slug: question.slug, wording: question.wording, url: questionPath(question.slug) },
      answers: answers.map((a) => ({
        id: a.id,
        parent_id: a.parentId,
        author: a.author,
        created_at: a.createdAt.toISOString(),
        text: a.text,
        html: a.html,
        agree: a.agree,
        disagree: a.disagree,
        pass: a.pass,
      })),
    });
  });

  return router;
}
