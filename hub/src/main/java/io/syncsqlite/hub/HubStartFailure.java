package io.syncsqlite.hub;

import io.syncsqlite.ErrorText;
import java.net.BindException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.SQLException;

/**
 * Why a hub could not start, in one line that says what to do: the operator of {@code java -jar syncsqlite-hub.jar}
 * needs the port or the file and the remedy, not a stack trace.
 */
final class HubStartFailure {
    private HubStartFailure() {
    }

    static String explain(HubConfig config, Throwable failure) {
        String reason = ErrorText.of(failure);
        if (causedBy(failure, BindException.class)) {
            boolean ws = String.valueOf(failure.getMessage()).contains("WebSocket");
            String option = ws ? "--ws-port" : "--port";
            int port = ws ? config.ws().port() : config.port();
            return "cannot listen on " + config.bind() + ":" + port + " (" + option + "): the address is in use, most likely by another hub or"
                    + " server; stop it, or start this hub with another " + option;
        }
        if (config.store() != null && causedBy(failure, SQLException.class)) {
            return "cannot open the hub store " + config.store() + " (--store): " + reason + ". Check that PostgreSQL answers at that address, that the"
                    + " database exists, and that the user (--store-user, " + HubConfig.STORE_PASSWORD_ENV + ") may log in and create tables in it";
        }
        if (config.data() != null && (causedBy(failure, SQLException.class) || String.valueOf(failure.getMessage()).contains(config.data().getFileName().toString()))) {
            Path data = config.data().toAbsolutePath();
            return "cannot open the hub store " + data + " (--data): " + reason + ". The hub creates and writes this file and the files beside it"
                    + " (-wal, -shm, .highwater): check that the folder " + data.getParent() + " exists and that the user running the hub can write it";
        }
        if (causedBy(failure, GeneralSecurityException.class) || config.keystore() != null && reason.toLowerCase(java.util.Locale.ROOT).contains("keystore")) {
            return "cannot use the keystore " + config.keystore() + " (--keystore): " + reason + "; it must be a PKCS#12 file and its password right";
        }
        return "cannot start: " + reason;
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) return true;
        }
        return false;
    }
}
