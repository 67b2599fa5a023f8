package io.vigil.jobs.understand;

import io.vigil.operators.encode.FrameToken;
import io.vigil.operators.source.ChunkEnvelope;
import io.vigil.operators.source.QuestionEnvelope;
import io.vigil.schemas.Question;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.java.functions.KeySelector;

/** Key selectors of the job: every keyed operator is keyed by streamId. */
final class Keys {
    private Keys() {}

    static final class ChunkStreamId implements KeySelector<ChunkEnvelope, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(ChunkEnvelope e) {
            return e.chunk.getStreamId();
        }
    }

    static final class TokenStreamId implements KeySelector<FrameToken, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(FrameToken t) {
            return t.streamId;
        }
    }

    static final class QuestionStreamId implements KeySelector<Question, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Question q) {
            return q.getStreamId();
        }
    }

    /** A routed question envelope (never a dead one) to its question. */
    static final class Unwrap implements MapFunction<QuestionEnvelope, Question> {
        private static final long serialVersionUID = 1L;

        @Override
        public Question map(QuestionEnvelope e) {
            return e.question;
        }
    }
}
