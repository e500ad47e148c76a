import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { VIEWS_DIR } from '../paths.js';
import { helpers } from './helpers/index.js';

export interface Templates {
  /** A page inside a layout. */
  page(name: string, model: object, layout?: string): string;
  /** One partial on its own, e.g. the comment partial for a live event. */
  partial(name: string, model: object): string;
}

/**
 * Compiles every template once, at start-up: pages, layouts and partials, with the
 * helpers. Rendering is then a function call with no file access.
 */
export function loadTemplates(viewsDir = VIEWS_DIR, assetUrl: (path: string) => string = (path) => path): Templates {
  const hbs = Handlebars.create();
  hbs.registerHelper(helpers);
  // `{{asset "/css/site.css"}}`: the file's content-hashed URL.
  hbs.registerHelper('asset', (publicPath: string) => assetUrl(publicPath));
  const compileFolder = (folder: string) =>
    new Map(
      readdirSync(path.join(viewsDir, folder))
        .filter((file) => file.endsWith('.hbs'))
        .map((file) => [
          file.slice(0, -'.hbs'.length),
          hbs.compile(readFileSync(path.join(viewsDir, folder, file), 'utf8'), { strict: false }),
        ]),
    );
  const partials = compileFolder('partials');
  for (const [name, template] of partials) hbs.registerPartial(name, template);
  const layouts = compileFolder('layouts');
  const pages = compileFolder('pages');

  const find = <T>(folder: Map<string, T>, kind: string, name: string): T => {
    const template = folder.get(name);
    if (!template) throw new Error(`No ${kind} template named "${name}"`);
    return template;
  };

  return {
    page(name, model, layout = 'main') {
      const body = find(pages, 'page', name)(model);
      return find(layouts, 'layout', layout)({ ...model, body });
    },
    partial(name, model) {
      return find(partials, 'partial', name)(model);
    },
  };
}
