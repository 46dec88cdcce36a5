package io.syncsqlite.tck;

/** One named compliance case: a scenario and the xerial URL parameters both drivers open the database with. */
record Case(String name, String urlParams, Scenario scenario) {
    static Case of(String name, Scenario scenario) {
        return new Case(name, "", scenario);
    }

    static Case withParams(String name, String urlParams, Scenario scenario) {
        return new Case(name, urlParams, scenario);
    }

    @Override
    public String toString() {
        return name;
    }
}
