package dev.splitscope.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/** The golden greedy outputs llama.cpp produced for the shared models (golden/greedy-once-upon-a-time.json). */
public record Golden(String prompt, int[] promptIds, int[] greedyIds, int[] top5Ids, float[] top5Logits) {

    public static Golden of(String model) throws IOException {
        JsonNode root = new ObjectMapper().readTree(TestModels.file("golden/greedy-once-upon-a-time.json").toFile());
        JsonNode m = root.get(model);
        if (m == null) throw new IllegalArgumentException("no golden entry for " + model);
        JsonNode top = m.get("top5_logits_after_prompt");
        int[] topIds = new int[top.size()];
        float[] topLogits = new float[top.size()];
        for (int i = 0; i < top.size(); i++) {
            topIds[i] = top.get(i).get(0).asInt();
            topLogits[i] = (float) top.get(i).get(1).asDouble();
        }
        return new Golden(m.get("prompt").asText(), ints(m.get("prompt_ids")), ints(m.get("greedy_ids")), topIds, topLogits);
    }

    private static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }
}
