import type { RequestHandler } from 'express';

/**
 * The dashboard's Content Security Policy: only its own scripts, styles and API, no
 * inline code at all, camera frames as blob:/mediastream:, Bootstrap's data: SVG icons.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "worker-src 'none'",
  "manifest-src 'self'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Security headers on every response the frontend itself makes. HSTS only when the
 * request came over TLS (directly, or per X-Forwarded-Proto from a trusted proxy): over
 * plain HTTP the header means nothing and would pin a local name to HTTPS.
 */
export function securityHeaders(): RequestHandler {
  return (req, res, next) => {
    res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('permissions-policy', 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()');
    res.setHeader('cross-origin-opener-policy', 'same-origin');
    res.setHeader('cross-origin-resource-policy', 'same-origin');
    res.setHeader('x-frame-options', 'DENY');
    if (req.secure) res.setHeader('strict-transport-security', HSTS);
    next();
  };
}
