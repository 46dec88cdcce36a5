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
        if (iface.isInstance(this)) return iface.cast(this);
        if (iface.isInstance(delegate)) return iface.cast(delegate);
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || iface.isInstance(delegate) || delegate.isWrapperFor(iface);
    }
}
