/**
 * Video in and out of memory: {@link io.vigil.models.video.ChunkDecoder} (one keyframe-aligned
 * MPEG-TS or Matroska chunk to RGB frames), {@link io.vigil.models.video.FrameSampler} (the
 * contract's sampling rule), {@link io.vigil.models.video.ClipEncoder} (RGB frames to H.264
 * MPEG-TS, for evaluation, tests and demos).
 */
package io.vigil.models.video;
