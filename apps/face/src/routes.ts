import express, { Router } from 'express';
import { FACE_BODY_LIMIT_BYTES } from '../../shared/contract.ts';
import { HttpError, handle } from '../../shared/http.ts';
import { textGuard } from '../../shared/text.ts';
import { ImageRejected } from './engine/rejection.ts';
import type { FaceConfig } from './config.ts';
import { bindingOf, bodySubjectOf, challengeIdOf, imagesOf, subjectOf } from './input.ts';
import { InferenceFailedError, QueueFullError } from './pool/pool.ts';
import type { FaceService } from './service.ts';
import type { FaceStore } from './store.ts';

/** The /v1 API. Every route needs the service credential (mounted in server.ts). */
export function faceRoutes(cfg: FaceConfig, service: FaceService, store: () => Promise<FaceStore>): Router {
  const r = Router();
  // base64 inflates by 4/3; a little room for the JSON around the images; never more than auth sends.
  const jsonLimit = Math.min(Math.ceil((cfg.maxImages * cfg.maxImageBytes * 4) / 3) + 64 * 1024, FACE_BODY_LIMIT_BYTES);
  r.use(express.json({ limit: jsonLimit }), textGuard);
  r.use(express.raw({ type: ['image/jpeg', 'image/png'], limit: cfg.maxImageBytes }));

  r.post('/subjects/:subject/templates', handle(async (req, res) => {
    const subject = subjectOf(req);
    const templates = await service.enroll(subject, imagesOf(req, cfg.maxImages, cfg.maxImageBytes));
    res.status(201).json({ subject, templates });
  }));

  r.get('/subjects/:subject/templates', handle(async (req, res) => {
    const subject = subjectOf(req);
    const templates = await (await store()).list(subject);
    if (templates.length === 0) throw new HttpError(404, 'subject_not_found', `no templates enrolled for ${subject}`);
    res.json({ subject, templates });
  }));

  r.delete('/subjects/:subject', handle(async (req, res) => {
    const subject = subjectOf(req);
    const deleted = await (await store()).deleteSubject(subject);
    if (deleted === 0) throw new HttpError(404, 'subject_not_found', `no templates enrolled for ${subject}`);
    res.json({ subject, deleted });
  }));

  r.delete('/subjects/:subject/templates/:template', handle(async (req, res) => {
    const subject = subjectOf(req);
    if (!(await (await store()).deleteTemplate(subject, String(req.params.template)))) {
      throw new HttpError(404, 'template_not_found', `${subject} has no template ${req.params.template}`);
    }
    res.status(204).end();
  }));

  r.post('/subjects/:subject/verify', handle(async (req, res) => {
    const subject = subjectOf(req);
    const body = (Buffer.isBuffer(req.body) ? {} : (req.body ?? {})) as Record<string, unknown>;
    if (body.challengeId !== undefined) {
      const challenge = { id: challengeIdOf(body.challengeId), binding: bindingOf(req) };
      res.json(await service.verify(subject, body.images === undefined ? [] : imagesOf(req, cfg.maxImages, cfg.maxImageBytes), challenge));
    } else res.json(await service.verify(subject, imagesOf(req, cfg.maxImages, cfg.maxImageBytes)));
  }));

  r.post('/quality', handle(async (req, res) => {
    const images = imagesOf(req, 1, cfg.maxImageBytes);
    res.json({ ok: true, quality: await service.check(images[0]!) });
  }));

  r.post('/liveness/challenges', handle(async (req, res) => {
    if (cfg.liveness === 'off') throw new HttpError(409, 'liveness_off', 'this deployment runs without a liveness challenge');
    res.status(201).json(await service.challenge(bodySubjectOf(req), bindingOf(req)));
  }));

  r.post('/liveness/challenges/:id/frames', handle(async (req, res) => {
    const id = challengeIdOf(req.params.id, 'id');
    res.json(await service.frames(id, bodySubjectOf(req), bindingOf(req), imagesOf(req, Math.min(4, cfg.maxImages), cfg.maxImageBytes)));
  }));

  r.use(((err, _req, _res, next) => {
    if (err instanceof ImageRejected) {
      next(new HttpError(422, 'image_rejected', err.message, { reason: err.reason, ...(err.index !== undefined && { index: err.index }) }));
    } else if (err instanceof QueueFullError) {
      next(new HttpError(503, 'overloaded', 'too many images waiting for analysis; retry shortly', {}, { 'retry-after': '1' }));
    } else if (err instanceof InferenceFailedError) {
      next(new HttpError(503, 'inference_failed', err.message, {}, { 'retry-after': '1' }));
    } else next(err);
  }) as express.ErrorRequestHandler);
  return r;
}
