package io.syncsqlite.cli;

import picocli.CommandLine.IVersionProvider;

/** The version of the jar the command runs from. */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = SyncsqliteCli.class.getPackage().getImplementationVersion();
        return new String[] {"syncsqlite " + (v == null ? "(development build)" : v)};
    }
}
