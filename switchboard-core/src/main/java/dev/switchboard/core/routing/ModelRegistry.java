package dev.switchboard.core.routing;

import dev.switchboard.core.config.Deployment;
import dev.switchboard.core.config.ModelInfo;
import dev.switchboard.core.config.Prices;
import dev.switchboard.core.config.QualityProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chat deployments with their effective prices, limits and quality profiles: what the config says,
 * with gaps filled from the {@link PriceCatalogue}.
 */
public final class ModelRegistry {
    /** Used when neither the config nor the catalogue gives a quality profile and no tier is declared. */
    static final QualityProfile NEUTRAL_QUALITY = QualityProfile.linear(0.80, 0.60);

    private final List<ModelProfile> chatModels;
    private final Map<String, ModelProfile> byId;
    private final PriceCatalogue catalogue;

    public ModelRegistry(List<Deployment> deployments, PriceCatalogue catalogue) {
        this.catalogue = catalogue;
        Map<String, ModelProfile> all = new LinkedHashMap<>();
        List<ModelProfile> chat = new ArrayList<>();
        for (Deployment d : deployments) {
            ModelProfile p = profile(d, catalogue);
            all.put(d.id(), p);
            if (!d.info().isEmbedding()) chat.add(p);
        }
        this.chatModels = List.copyOf(chat);
        this.byId = Map.copyOf(all);
    }

    public List<ModelProfile> chatModels() {
        return chatModels;
    }

    public Optional<ModelProfile> find(String deploymentId) {
        return Optional.ofNullable(byId.get(deploymentId));
    }

    public PriceCatalogue catalogue() {
        return catalogue;
    }

    static ModelProfile profile(Deployment d, PriceCatalogue catalogue) {
        ModelInfo info = d.info();
        Optional<PriceCatalogue.Entry> entry = catalogue.lookup(d.upstreamModel());
        // The config loader has already filled unstated prices and limits from the catalogue.
        Prices prices = info.prices();
        String priceSource = info.isDeclared(ModelInfo.PRICES) ? "config" : entry.isPresent() ? "catalogue" : "none";
        int context = info.contextWindow();
        int maxOut = info.maxOutputTokens();
        QualityProfile quality;
        String qualitySource;
        if (info.quality().isPresent()) {
            quality = info.quality().get();
            qualitySource = "config";
        } else if (entry.isPresent() && entry.get().quality().isPresent()) {
            quality = entry.get().quality().get();
            qualitySource = "catalogue";
        } else if (info.tier().isPresent()) {
            quality = tierQuality(info.tier().getAsInt());
            qualitySource = "tier";
        } else {
            quality = NEUTRAL_QUALITY;
            qualitySource = "default";
        }
        // Free models are compared by relative cost: declared, else the tier (heavier tier, more compute).
        double relative = info.relativeCost().orElse(info.tier().isPresent() ? info.tier().getAsInt() : 1.0);
        return new ModelProfile(d, prices, context, maxOut, quality, relative, priceSource, qualitySource);
    }

    /** A prior for a tiered model without a profile: heavier tiers start higher and fade less. */
    static QualityProfile tierQuality(int tier) {
        int t = Math.clamp(tier, 1, 5);
        return QualityProfile.linear(Math.min(0.98, 0.76 + 0.05 * t), Math.min(0.90, 0.40 + 0.10 * t));
    }
}
