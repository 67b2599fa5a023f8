package io.vigil.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest, or "development" when run from classes. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VigilCommand.class.getPackage().getImplementationVersion();
        return new String[] {"vigil " + (v == null ? "(development build)" : v)};
    }
}
