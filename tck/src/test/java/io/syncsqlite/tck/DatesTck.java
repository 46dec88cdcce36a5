package io.syncsqlite.tck;

import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import java.util.stream.Stream;

/**
 * Dates under xerial's settings, passed in the URL ({@code date_class}, {@code date_precision},
 * {@code date_string_format}): how each setter stores and each getter reads back, on both drivers.
 */
class DatesTck extends TckSuite {
    private static final long INSTANT = 1_700_000_123_456L;

    static Stream<Case> cases() {
        List<String> settings = new ArrayList<>();
        for (String cls : List.of("INTEGER", "REAL", "TEXT")) {
            for (String precision : List.of("MILLISECONDS", "SECONDS")) {
                settings.add("?date_class=" + cls + "&date_precision=" + precision);
            }
        }
        settings.add("?date_class=TEXT&date_string_format=yyyy-MM-dd'T'HH:mm:ss");
        settings.add("?date_class=TEXT&date_string_format=dd/MM/yyyy HH:mm");
        settings.add("");
        List<Case> cases = new ArrayList<>();
        for (String params : settings) {
            cases.add(Case.withParams("java.sql setters/getters " + params, params, (c, t) -> {
                exec(c, "CREATE TABLE d(id TEXT PRIMARY KEY, v)");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO d VALUES (?, ?)")) {
                    insert(t, ps, "date", () -> ps.setDate(2, new Date(INSTANT)));
                    insert(t, ps, "time", () -> ps.setTime(2, new Time(INSTANT)));
                    insert(t, ps, "timestamp", () -> ps.setTimestamp(2, new Timestamp(INSTANT)));
                    insert(t, ps, "timestamp utc cal", () -> ps.setTimestamp(2, new Timestamp(INSTANT), Calendar.getInstance(TimeZone.getTimeZone("UTC"))));
                    insert(t, ps, "date cal", () -> ps.setDate(2, new Date(INSTANT), Calendar.getInstance(TimeZone.getTimeZone("Asia/Tokyo"))));
                    insert(t, ps, "object util date", () -> ps.setObject(2, new java.util.Date(INSTANT)));
                    insert(t, ps, "object LocalDate", () -> ps.setObject(2, LocalDate.of(2024, 2, 29)));
                    insert(t, ps, "object LocalDateTime", () -> ps.setObject(2, LocalDateTime.of(2024, 2, 29, 13, 14, 15, 123_000_000)));
                    insert(t, ps, "object LocalTime", () -> ps.setObject(2, LocalTime.of(13, 14, 15)));
                    insert(t, ps, "object OffsetDateTime", () -> ps.setObject(2, OffsetDateTime.parse("2024-02-29T13:14:15+02:00")));
                    insert(t, ps, "string iso", () -> ps.setString(2, "2024-02-29 13:14:15.123"));
                    insert(t, ps, "long millis", () -> ps.setLong(2, INSTANT));
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT id, v, typeof(v) FROM d ORDER BY id"); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String id = rs.getString(1);
                        t.add(id + " stored", () -> rs.getString(2) + " as " + rs.getString(3));
                        t.add(id + " getDate", () -> rs.getDate(2));
                        t.add(id + " getTime", () -> rs.getTime(2));
                        t.add(id + " getTimestamp", () -> rs.getTimestamp(2));
                        t.add(id + " getTimestamp utc", () -> rs.getTimestamp(2, Calendar.getInstance(TimeZone.getTimeZone("UTC"))));
                        t.add(id + " getObject", () -> rs.getObject(2));
                        t.add(id + " LocalDate", () -> rs.getObject(2, LocalDate.class));
                        t.add(id + " LocalDateTime", () -> rs.getObject(2, LocalDateTime.class));
                        t.add(id + " LocalTime", () -> rs.getObject(2, LocalTime.class));
                        t.add(id + " OffsetDateTime", () -> rs.getObject(2, OffsetDateTime.class));
                        t.add(id + " java.util.Date", () -> rs.getObject(2, java.util.Date.class));
                    }
                }
            }));
            cases.add(Case.withParams("declared DATE/DATETIME columns and SQL date functions " + params, params, (c, t) -> {
                exec(c, "CREATE TABLE e(id TEXT PRIMARY KEY, d DATE, ts DATETIME, tm TIME)",
                        "INSERT INTO e VALUES ('sql', date('2024-01-02'), datetime('2024-01-02 03:04:05'), time('03:04:05'))");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO e VALUES ('jdbc', ?, ?, ?)")) {
                    ps.setDate(1, new Date(INSTANT));
                    ps.setTimestamp(2, new Timestamp(INSTANT));
                    ps.setTime(3, new Time(INSTANT));
                    t.add("insert", ps::executeUpdate);
                }
                t.query(c, "SELECT * FROM e ORDER BY id");
                t.query(c, "SELECT id, typeof(d), typeof(ts), typeof(tm) FROM e ORDER BY id");
                try (PreparedStatement ps = c.prepareStatement("SELECT d, ts, tm FROM e WHERE id = 'sql'"); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    t.add("getDate", () -> rs.getDate(1));
                    t.add("getTimestamp", () -> rs.getTimestamp(2));
                    t.add("getTime", () -> rs.getTime(3));
                }
            }));
        }
        cases.add(Case.withParams("bad date_class", "?date_class=NOPE", (c, t) -> t.add("open", c::isClosed)));
        cases.add(Case.withParams("bad date_string_format", "?date_class=TEXT&date_string_format=QQQ-invalid", (c, t) -> {
            exec(c, "CREATE TABLE d(id TEXT PRIMARY KEY, v)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO d VALUES ('k', ?)")) {
                t.run("setDate", () -> ps.setDate(1, new Date(INSTANT)));
            }
        }));
        return cases.stream();
    }

    private static void insert(Trace t, PreparedStatement ps, String id, Trace.Action bind) throws Exception {
        ps.setString(1, id);
        if (t.run("bind " + id, bind)) t.add("insert " + id, ps::executeUpdate);
        ps.clearParameters();
    }
}
