/** Rendering one of an entry's templates, a template devenv cannot read refused naming the field it is in. */
import { renderTemplate, TemplateError } from "./template.js";
import { AquaUnsupportedError } from "./types.js";

export function renderIn(pkg: string, field: string, template: string, data: Record<string, unknown>): string {
  try {
    return renderTemplate(template, data);
  } catch (e) {
    if (e instanceof TemplateError) throw new AquaUnsupportedError(pkg, `a template in '${field}'`, e.message);
    throw e;
  }
}
