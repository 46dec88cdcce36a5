package io.syncsqlite.jdbc;

import java.sql.SQLException;
import java.sql.Wrapper;

/** {@code unwrap}/{@code isWrapperFor} for every wrapper: our own interfaces first, then xerial's object and its own. */
abstract class WrapperBase<T extends Wrapper> implements Wrapper {
    final T delegate;

    WrapperBase(T delegate) {
        this.delegate = delegate;
    }

    @Override
    public <U> U unwrap(Class<U> iface) throws SQLException {
        return unwrap(this, delegate, iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return isWrapperFor(this, delegate, iface);
    }

    /** The rule for wrappers that cannot extend this class (the connection extends xerial's {@code SQLiteConnection}). */
    static <U> U unwrap(Wrapper wrapper, Wrapper delegate, Class<U> iface) throws SQLException {
        if (iface.isInstance(wrapper)) return iface.cast(wrapper);
        if (iface.isInstance(delegate)) return iface.cast(delegate);
        return delegate.unwrap(iface);
    }

    static boolean isWrapperFor(Wrapper wrapper, Wrapper delegate, Class<?> iface) throws SQLException {
        return iface.isInstance(wrapper) || iface.isInstance(delegate) || delegate.isWrapperFor(iface);
    }
}
