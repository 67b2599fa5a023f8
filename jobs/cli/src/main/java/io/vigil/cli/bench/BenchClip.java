package io.vigil.cli.bench;

import io.vigil.schemas.VideoChunk;
import java.util.List;

/** One clip the benchmark feeds to every path, already cut into chunks. */
public record BenchClip(String name, List<VideoChunk> chunks, long durationMs) {}
