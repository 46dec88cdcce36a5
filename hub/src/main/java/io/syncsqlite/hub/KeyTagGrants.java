package io.syncsqlite.hub;

import io.syncsqlite.spi.KeyTagClaims;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Key block tags granted per namespace, in the store's {@code hub_keytags(ns, tag, site)} table: one site per tag and
 * one tag per site (both keys), rows never deleted, so a tag is never granted twice (see {@link HubStore#claimKeyTag}).
 */
final class KeyTagGrants {
    private KeyTagGrants() {
    }

    /** {@code site}'s tag in {@code ns}, granted now in {@code c}'s open transaction if it had none; 0 when all are taken. */
    static int claim(Connection c, String ns, String site, int wish) throws SQLException {
        Set<Integer> taken = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT tag, site FROM hub_keytags WHERE ns = ?")) {
            ps.setString(1, ns);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(2).equals(site)) return rs.getInt(1);
                    taken.add(rs.getInt(1));
                }
            }
        }
        OptionalInt tag = KeyTagClaims.claim(wish, taken::add);
        if (tag.isEmpty()) return 0;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub_keytags(ns, tag, site) VALUES (?, ?, ?)")) {
            ps.setString(1, ns);
            ps.setInt(2, tag.getAsInt());
            ps.setString(3, site);
            ps.executeUpdate();
        }
        return tag.getAsInt();
    }
}
