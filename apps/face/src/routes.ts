import express, { Router } from 'express';
import { FACE_BODY_LIMIT_BYTES } from '../../shared/contract.ts';
import { HttpError } from '../../shared/http.ts';
import { mount, routeFor } from '../../shared/route-table.ts';
import { textGuard } from '../../shared/text.ts';
import * as answers from './answers.ts';
import { ImageRejected } from './engine/rejection.ts';
import type { FaceConfig } from './config.ts';
import { decodeImages } from './input.ts';
import { InferenceFailedError, QueueFullError } from './pool/pool.ts';
import * as requests from './requests.ts';
import type { FaceService } from './service.ts';
import type { FaceStore } from './store.ts';

/** The /v1 API. Every route needs the service credential (mounted in server.ts). */
export function faceRoutes(cfg: FaceConfig, service: FaceService, store: () => Promise<FaceStore>): Router {
  const r = Router();
  // base64 inflates by 4/3; a little room for the JSON around the images; never more than auth sends.
  const jsonLimit = Math.min(Math.ceil((cfg.maxImages * cfg.maxImageBytes * 4) / 3) + 64 * 1024, FACE_BODY_LIMIT_BYTES);
  r.use(express.json({ limit: jsonLimit }), textGuard);
  // A raw image is read only by the routes that take one (requests.IMAGE_TYPES).
  mount(r, faceRouteTable, { cfg, service, store }, { rawLimit: cfg.maxImageBytes });
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

/** What the handlers work with. */
interface Parts {
  cfg: FaceConfig;
  service: FaceService;
  store: () => Promise<FaceStore>;
}
const route = routeFor<Parts>();

/** A validated body's images, decoded; at most `max` of them (FACE_MAX_IMAGES unless the route takes fewer). */
const imagesOf = ({ cfg }: Parts, body: Parameters<typeof decodeImages>[0], max = cfg.maxImages) => decodeImages(body, max, cfg.maxImageBytes);
const notEnrolled = (subject: string) => new HttpError(404, 'subject_not_found', `no templates enrolled for ${subject}`);

/** Every route under /v1, in the order the router tries them. */
export const faceRouteTable = [
  route({
    method: 'post',
    path: '/subjects/:subject/templates',
    summary: 'Enroll: add templates computed from one or more images (all stored or none)',
    params: requests.subjectParams,
    body: requests.enrollBody,
    raw: requests.IMAGE_TYPES,
    status: 201,
    answer: answers.templates,
    errors: [400, 401, 409, 413, 422, 503],
    handle: async ({ params, body }, d) => ({ subject: params.subject, templates: await d.service.enroll(params.subject, imagesOf(d, body)) }),
  }),
  route({
    method: 'get',
    path: '/subjects/:subject/templates',
    summary: "List a subject's templates (metadata, never vectors)",
    params: requests.subjectParams,
    status: 200,
    answer: answers.templates,
    errors: [400, 401, 404, 503],
    handle: async ({ params }, d) => {
      const templates = await (await d.store()).list(params.subject);
      if (templates.length === 0) throw notEnrolled(params.subject);
      return { subject: params.subject, templates };
    },
  }),
  route({
    method: 'delete',
    path: '/subjects/:subject',
    summary: 'Delete every template of a subject (GDPR erasure)',
    params: requests.subjectParams,
    status: 200,
    answer: answers.deleted,
    errors: [400, 401, 404, 503],
    handle: async ({ params }, d) => {
      const deleted = await (await d.store()).deleteSubject(params.subject);
      if (deleted === 0) throw notEnrolled(params.subject);
      return { subject: params.subject, deleted };
    },
  }),
  route({
    method: 'delete',
    path: '/subjects/:subject/templates/:template',
    summary: 'Delete one template',
    params: requests.templateParams,
    status: 204,
    errors: [400, 401, 404, 503],
    handle: async ({ res, params: { subject, template } }, d) => {
      if (!(await (await d.store()).deleteTemplate(subject, template))) throw new HttpError(404, 'template_not_found', `${subject} has no template ${template}`);
      // No body: answered here.
      res.status(204).end();
      return undefined;
    },
  }),
  route({
    method: 'post',
    path: '/subjects/:subject/verify',
    summary: 'Verify against every template: one image (liveness off), or the answered head-turn challenge (its frames were sent to it)',
    params: requests.subjectParams,
    body: requests.verifyBody,
    raw: requests.IMAGE_TYPES,
    status: 200,
    answer: answers.verdict,
    errors: [400, 401, 403, 404, 409, 410, 413, 422, 503],
    handle: async ({ params, body }, d) =>
      !Buffer.isBuffer(body) && 'challengeId' in body
        ? d.service.verify(params.subject, [], { id: body.challengeId, binding: body.binding })
        : d.service.verify(params.subject, imagesOf(d, body, 1)),
  }),
  route({
    method: 'post',
    path: '/quality',
    summary: 'Run the quality gates (one frontal face, size, confidence, pose) on one image; nothing is stored',
    body: requests.qualityBody,
    raw: requests.IMAGE_TYPES,
    status: 200,
    answer: answers.usable,
    errors: [400, 401, 413, 422, 503],
    handle: async ({ body }, d) => ({ ok: true, quality: await d.service.check(imagesOf(d, body, 1)[0]!) }),
  }),
  route({
    method: 'post',
    path: '/liveness/challenges',
    summary: "A head-turn challenge for one subject, bound to the caller's session; its steps are revealed one at a time as frames arrive",
    body: requests.challengeBody,
    status: 201,
    answer: answers.progress,
    errors: [400, 401, 404, 409, 503],
    // A deployment without liveness says so whatever the body.
    before: (_req, _res, { cfg }) => {
      if (cfg.liveness === 'off') throw new HttpError(409, 'liveness_off', 'this deployment runs without a liveness challenge');
    },
    handle: async ({ body }, d) => d.service.challenge(body.subject, body.binding),
  }),
  route({
    method: 'post',
    path: '/liveness/challenges/:id/frames',
    summary: 'Frames answering the challenge, sent as they are taken (1 to 4 a request, one request at a time); the answer says what to do now',
    params: requests.challengeParams,
    body: requests.framesBody,
    status: 200,
    answer: answers.progress,
    errors: [400, 401, 403, 409, 410, 413, 422, 503],
    handle: async ({ params, body }, d) => d.service.frames(params.id, body.subject, body.binding, imagesOf(d, body, Math.min(4, d.cfg.maxImages))),
  }),
];
