package io.declutter.model;

import java.util.Objects;

/**
 * A CHECK constraint of a table: {@code expression} names the table's columns unqualified, as the catalog prints it.
 * A row satisfies it unless the expression is false (a null result passes).
 */
public record CheckConstraint(String name, String expression) {

    public CheckConstraint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(expression, "expression");
        if (expression.isBlank()) {
            throw new IllegalArgumentException("check constraint " + name + " has no expression");
        }
    }
}
