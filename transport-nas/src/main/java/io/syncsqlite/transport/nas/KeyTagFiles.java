package io.syncsqlite.transport.nas;

import io.syncsqlite.spi.KeyTagClaims;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalInt;

/**
 * Key block tags handed out through the shared folder: {@code <namespace>/keytags/<tag>} holds the site id that owns
 * the tag. A tag is taken by creating its file, which fails when it exists ({@code O_CREAT|O_EXCL}, atomic on local
 * file systems and NFS), so two replicas never own one tag. Files are never deleted: a tag is never handed out twice.
 */
final class KeyTagFiles {
    /** The folder's name cannot be a site id, so readers of site folders pass it by. */
    static final String FOLDER = "keytags";

    private KeyTagFiles() {
    }

    /** {@code site}'s tag: the one it took before, else {@code wish} or the lowest free one; empty when all are taken. */
    static OptionalInt claim(Path folder, String site, int wish) throws Exception {
        OptionalInt own = owned(folder, site);
        if (own.isPresent()) return own;
        byte[] owner = site.getBytes(StandardCharsets.US_ASCII);
        return KeyTagClaims.claim(wish, tag -> {
            try {
                Files.write(folder.resolve(Integer.toString(tag)), owner, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return true;
            } catch (FileAlreadyExistsException taken) {
                return false;
            }
        });
    }

    private static OptionalInt owned(Path folder, String site) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, f -> f.getFileName().toString().matches("\\d{1,4}"))) {
            for (Path f : files) {
                if (Files.size(f) == site.length() && Files.readString(f, StandardCharsets.US_ASCII).equals(site)) {
                    return OptionalInt.of(Integer.parseInt(f.getFileName().toString()));
                }
            }
        }
        return OptionalInt.empty();
    }
}
