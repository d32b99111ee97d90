"""The words and numbers synthetic catalogs are made of: skill layers and their
base skills, topics, providers with their platforms and price bands, vendor
exams and role titles (see :mod:`loaders.synthetic`).

Names and shares are modelled on the shipped seed catalog and public course
listings; they are data for benchmarks and tests, not facts about any course.
"""

from __future__ import annotations

__all__ = [
    "BASES",
    "EXAMS",
    "LAYERS",
    "LAYER_SHARE",
    "PRICES",
    "PROVIDERS",
    "PROVIDER_WEIGHTS",
    "QUALIFIERS",
    "ROLE_TITLES",
    "TOPIC_BASES",
    "TOPICS",
]

#: Skill layers, lowest first; ``Skill.category`` holds the layer name.
LAYERS: tuple[str, ...] = ("foundations", "core-ml", "specialised", "platform-mlops")
LAYER_SHARE = (0.15, 0.30, 0.33, 0.22)

BASES: tuple[tuple[str, ...], ...] = (
    (  # foundations
        "python", "sql", "linear-algebra", "calculus", "probability", "statistics", "git", "linux-shell",
        "numpy", "pandas", "data-visualization", "algorithms", "data-structures", "discrete-math",
        "r-programming", "spreadsheets", "jupyter", "regular-expressions", "rest-apis", "unit-testing",
        "software-design", "matplotlib", "optimization", "information-theory", "experiment-design",
        "data-cleaning", "bash-scripting", "object-oriented-programming", "complexity-analysis",
        "numerical-methods",
    ),
    (  # core ML
        "linear-regression", "logistic-regression", "gradient-descent", "regularization", "model-evaluation",
        "cross-validation", "feature-engineering", "decision-trees", "random-forests", "gradient-boosting",
        "support-vector-machines", "k-means", "pca", "clustering", "neural-networks", "backpropagation",
        "bias-variance", "hyperparameter-tuning", "scikit-learn", "anomaly-detection", "naive-bayes",
        "nearest-neighbours", "ensemble-methods", "dimensionality-reduction", "bayesian-inference",
        "model-selection", "imbalanced-data", "time-series-basics", "recommender-basics", "ml-strategy",
    ),
    (  # specialised
        "cnn", "rnn", "lstm", "transformers", "attention", "word-embeddings", "nlp", "computer-vision",
        "object-detection", "image-segmentation", "gans", "reinforcement-learning", "q-learning",
        "policy-gradients", "recommender-systems", "collaborative-filtering", "forecasting",
        "speech-recognition", "graph-neural-networks", "llm-fine-tuning", "prompt-engineering",
        "retrieval-augmented-generation", "tensorflow", "pytorch", "keras", "jax", "causal-inference",
        "explainability", "fairness", "diffusion-models", "transfer-learning", "self-supervised-learning",
    ),
    (  # platform / MLOps
        "mlflow", "docker", "kubernetes", "kubeflow", "vertex-ai", "sagemaker", "azure-ml", "bigquery",
        "bigquery-ml", "dataflow", "spark", "airflow", "feature-stores", "model-serving", "model-monitoring",
        "ci-cd-for-ml", "data-pipelines", "ml-pipelines", "data-versioning", "tfx", "onnx",
        "inference-optimization", "ray", "dbt", "kafka", "terraform", "ml-system-design", "edge-deployment",
        "cloud-storage", "databricks",
    ),
)
QUALIFIERS = (
    "advanced", "in-practice", "at-scale", "for-production", "internals", "best-practices", "case-studies",
    "performance", "debugging", "testing", "patterns", "theory", "tooling", "security", "tuning",
    "workflows", "visualization", "apis", "deployment", "evaluation", "troubleshooting", "design",
    "automation", "governance", "cost-management", "migration", "interoperability", "benchmarking",
    "data-handling", "integration", "research-papers", "projects",
)
# Topics, and the skills (bases) of each; a foundation serves several topics.
TOPICS = (
    "tabular-ml", "unsupervised-learning", "deep-learning", "nlp", "computer-vision", "sequential-decisions",
    "data-engineering", "mlops",
)
TOPIC_BASES: tuple[str, ...] = (
    # tabular-ml
    "statistics probability pandas numpy linear-algebra calculus data-cleaning experiment-design python "
    "linear-regression logistic-regression regularization model-evaluation cross-validation feature-engineering "
    "decision-trees random-forests gradient-boosting support-vector-machines naive-bayes nearest-neighbours "
    "ensemble-methods model-selection imbalanced-data hyperparameter-tuning scikit-learn bias-variance "
    "explainability fairness causal-inference bigquery-ml feature-stores",
    # unsupervised-learning
    "linear-algebra statistics probability numpy optimization matplotlib r-programming "
    "k-means pca clustering anomaly-detection dimensionality-reduction bayesian-inference "
    "self-supervised-learning graph-neural-networks",
    # deep-learning
    "python numpy linear-algebra calculus optimization information-theory jupyter "
    "neural-networks backpropagation gradient-descent cnn rnn lstm attention transformers tensorflow pytorch "
    "keras jax transfer-learning gans diffusion-models onnx inference-optimization edge-deployment",
    # nlp
    "python probability regular-expressions information-theory data-structures neural-networks "
    "naive-bayes model-evaluation "
    "word-embeddings nlp llm-fine-tuning prompt-engineering retrieval-augmented-generation speech-recognition",
    # computer-vision
    "python numpy linear-algebra matplotlib numerical-methods neural-networks backpropagation model-evaluation "
    "computer-vision object-detection image-segmentation",
    # sequential-decisions
    "statistics probability pandas optimization algorithms complexity-analysis time-series-basics forecasting "
    "recommender-basics recommender-systems collaborative-filtering reinforcement-learning q-learning "
    "policy-gradients",
    # data-engineering
    "sql python linux-shell bash-scripting data-cleaning spreadsheets data-structures rest-apis "
    "data-visualization discrete-math feature-engineering bigquery dataflow spark airflow data-pipelines dbt "
    "kafka cloud-storage databricks data-versioning",
    # mlops
    "python git linux-shell bash-scripting unit-testing software-design rest-apis object-oriented-programming "
    "ml-strategy model-evaluation hyperparameter-tuning mlflow docker kubernetes kubeflow vertex-ai sagemaker "
    "azure-ml model-serving model-monitoring ci-cd-for-ml ml-pipelines tfx ray terraform ml-system-design",
)

# name, slug, price profile, main format
PROVIDERS: tuple[tuple[str, str, str, str], ...] = (
    ("DeepLearning.AI", "dlai", "mooc", "course"),
    ("Google Cloud", "gcloud", "mooc", "course"),
    ("IBM", "ibm", "mooc", "course"),
    ("University of Washington", "uw", "mooc", "course"),
    ("Stanford Online", "stanford", "mooc", "course"),
    ("University of Michigan", "umich", "mooc", "course"),
    ("MITx", "mitx", "mooc", "course"),
    ("Udacity", "udacity", "premium", "course"),
    ("Udemy", "udemy", "paid", "course"),
    ("DataCamp", "datacamp", "paid", "course"),
    ("Pluralsight", "pluralsight", "paid", "course"),
    ("O'Reilly", "oreilly", "book", "book"),
    ("Manning", "manning", "book", "book"),
    ("fast.ai", "fastai", "free", "free-course"),
    ("Kaggle Learn", "kaggle", "free", "tutorial"),
    ("Google", "google", "free", "free-course"),
    ("AWS Skill Builder", "aws", "mixed", "course"),
    ("Microsoft Learn", "mslearn", "free", "tutorial"),
    ("Databricks Academy", "databricks", "mixed", "course"),
    ("Hugging Face", "hf", "free", "free-course"),
    ("MIT OpenCourseWare", "mitocw", "free", "course"),
    ("Coursera Project Network", "cpn", "project", "project"),
)
PROVIDER_WEIGHTS = (9, 6, 6, 3, 3, 3, 3, 4, 8, 5, 4, 5, 3, 1, 3, 2, 3, 3, 2, 2, 2, 4)
PRICES = {
    "mooc": (39, 49, 49, 59, 79, 99, 149, 199, 249, 399),
    "premium": (199, 249, 299, 399),
    "paid": (29, 39, 49, 59, 79, 99, 129, 199),
    "book": (29, 39, 49, 59, 69, 79),
    "mixed": (29, 49, 99, 149, 199),
    "project": (29, 39),
}
EXAMS = (
    ("google-pmle", "Google Professional Machine Learning Engineer", "Google Cloud", 200),
    ("google-pde", "Google Professional Data Engineer", "Google Cloud", 200),
    ("aws-mls", "AWS Certified Machine Learning - Specialty", "AWS", 300),
    ("aws-mla", "AWS Certified Machine Learning Engineer - Associate", "AWS", 150),
    ("aws-dea", "AWS Certified Data Engineer - Associate", "AWS", 150),
    ("azure-ai-102", "Microsoft Azure AI Engineer Associate", "Microsoft", 165),
    ("azure-dp-100", "Microsoft Azure Data Scientist Associate", "Microsoft", 165),
    ("databricks-mla", "Databricks Machine Learning Associate", "Databricks", 200),
    ("databricks-mlp", "Databricks Machine Learning Professional", "Databricks", 200),
    ("tensorflow-dev", "TensorFlow Developer Certificate", "Google", 100),
    ("nvidia-dli", "NVIDIA Generative AI LLMs Associate", "NVIDIA", 135),
    ("cka", "Certified Kubernetes Administrator", "CNCF", 395),
    ("snowflake-ds", "SnowPro Advanced Data Scientist", "Snowflake", 375),
    ("ibm-ds", "IBM Certified Data Scientist", "IBM", 200),
)
ROLE_TITLES = (
    "Machine learning engineer", "Data scientist", "ML platform engineer", "Applied scientist",
    "MLOps engineer", "Data engineer", "Research engineer", "AI engineer", "Analytics engineer",
    "ML infrastructure engineer", "Deep learning engineer", "Decision scientist",
)
