package dev.sluice.model;

/** Why an event was refused: a stable machine code (Segment's discard codes where one exists) and a sentence. */
public record Rejection(String code, String message) {
}
