package io.declutter.runner.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest (the Maven project version). */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = DeclutterCommand.class.getPackage().getImplementationVersion();
        return new String[] {"declutter " + (v == null ? "(development build)" : v)};
    }
}
