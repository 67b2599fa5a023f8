package io.vigil.cli.common;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model DIR}, shared by every command that runs a model (a picocli mixin). */
public final class ModelDirOption {
    /** The shipped model, under the repository root. */
    public static final String DEFAULT = "models/vigil-tiny";

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description = "Model folder (default: " + DEFAULT + ").")
    Path model;

    /** The folder given, else the shipped model. */
    public Path dir() {
        return model != null ? model : VigilHome.resolve(DEFAULT);
    }
}
