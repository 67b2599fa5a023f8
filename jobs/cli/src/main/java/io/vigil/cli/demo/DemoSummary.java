package io.vigil.cli.demo;

/** What the demo saw: records read back from the output topics. */
public record DemoSummary(int captions, int answers, int deadLetters) {}
