import { openStore } from '../../shared/store/open.ts';
import { FACE_MODELS, modelId } from './engine/models.ts';
import type { FaceConfig } from './config.ts';
import { FaceStore } from './store.ts';

export const ADMIN_USAGE = `usage: node apps/face/main.mjs templates [--delete-model <model id>]

  templates                         templates and subjects per model, and which model this
                                    deployment compares (FACE_MODEL)
  templates --delete-model <id>     delete every template of that model (never the one in
                                    use): its users enroll again at their next login

The database is the service's own (MONGODB_URI, DATABASE_URL or FACE_DATA_DIR). Run it
where the service runs, e.g. kubectl exec deploy/<release>-face -- node apps/face/main.mjs templates`;

/**
 * The operator's command after a model change (FACE_MODEL): see who still has templates of
 * the old model, and delete them once their users were told to enroll again. Templates
 * cannot be converted: the images they came from are not kept.
 */
export async function runAdmin(cfg: FaceConfig, args: string[], out: (line: string) => void): Promise<number> {
  const current = modelId(cfg.model);
  const del = args.indexOf('--delete-model');
  if (args.some((a, i) => a.startsWith('-') && a !== '--delete-model') || (del >= 0 && !args[del + 1])) {
    out(ADMIN_USAGE);
    return 2;
  }
  const target = del >= 0 ? args[del + 1]! : undefined;
  if (target === current) {
    out(`${target} is the model in use (FACE_MODEL=${cfg.model}); its templates are not deleted this way`);
    return 2;
  }
  const db = await openStore(cfg.mongodbUri ?? cfg.databaseUrl, { dataDir: cfg.dataDir });
  try {
    const store = await FaceStore.open(db, current);
    const counts = await store.modelCounts();
    if (target) {
      if (!counts.some((c) => c.model === target)) {
        out(`no templates of ${target}; models with templates: ${counts.map((c) => c.model).join(', ') || 'none'}`);
        return 1;
      }
      out(`deleted ${await store.deleteModel(target)} templates of ${target}`);
      return 0;
    }
    out(`model in use: ${current} (FACE_MODEL=${cfg.model}; offered: ${FACE_MODELS.join(', ')})`);
    for (const c of counts) out(`${c.model}\t${c.templates} templates\t${c.subjects} subjects${c.model === current ? '\t(in use)' : '\t(not compared: these users must enroll again)'}`);
    if (counts.length === 0) out('no templates');
    return 0;
  } finally {
    await db.close();
  }
}
