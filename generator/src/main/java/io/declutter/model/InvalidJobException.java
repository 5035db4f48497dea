package io.declutter.model;

/** A job definition or a plan that cannot be carried out; the message says what is wrong and what to do. */
public class InvalidJobException extends RuntimeException {
    public InvalidJobException(String message) {
        super(message);
    }
}
