package io.vigil.models;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Ids of the special tokens, from the manifest's {@code special_tokens} object. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SpecialTokens(
        @JsonProperty("pad") int pad,
        @JsonProperty("unk") int unk,
        @JsonProperty("eos") int eos,
        @JsonProperty("caption") int caption,
        @JsonProperty("question") int question,
        @JsonProperty("answer") int answer) {}
