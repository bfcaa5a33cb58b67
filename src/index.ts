/**
 * @module
 * `attestkit`: every public export, re-exported. No logic lives here.
 */
export * from './core/public.js';
