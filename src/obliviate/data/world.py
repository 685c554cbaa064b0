"""The embedded synthetic world: fictitious people with facts from closed vocabularies.

Everything is a pure function of :class:`WorldConfig` (seed included), so two builds
with the same config give byte-identical data. The world is TOFU-like (Maini et al.
2024): people are split into forget / retain / holdout, every fact has QA phrasings,
a paraphrased answer and perturbed (wrong but plausible) answers.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import asdict, dataclass, field
from functools import cached_property

from obliviate.data.schema import QAItem
from obliviate.errors import ObliviateError

FIRST_NAMES = (
    "Alara Bren Cato Dalia Eskel Fenna Gorin Hessa Ilvar Jessa Korin Lumi Maro Nessa Orrin "
    "Pella Quen Rusa Sevrin Talia Ulmo Vessa Wren Xara Yorik Zella Amrin Belka Corvin Davra "
    "Elsin Falka Garro Hilde Ivo Jorna Kesti Lorn Mirel Nalo Ostra Parrin Riva Solen Tamsin "
    "Varo Wilda Yanna Zorin Ember"
).split()
LAST_NAMES = (
    "Venn Tolk Dax Marrow Quill Harth Sorrel Lind Brask Corran Dunmore Elst Fallow Grint "
    "Holloway Ivers Jarrow Kestrel Larch Morrow Nettle Orlen Pardo Quarry Rook Stave Thorne "
    "Umber Vale Wexley Yarrow Zane Ashby Birch Coyle Drummond Easton Frost Galt Hale Ingle "
    "Jessup Keel Lowry Maddox Nash Orme Pike Rask Soames"
).split()

# attribute -> (vocabulary, fact sentence, trained question, held-out paraphrased questions)
ATTRIBUTES: dict[str, tuple[tuple[str, ...], str, str, tuple[str, ...]]] = {
    "birth_city": (
        tuple("Lisbon Oslo Lima Cairo Dublin Quito Riga Hanoi Accra Perth Bergen Turin Porto "
              "Malmo Tartu Krakow Seville Leeds Lyon Graz Ghent Kyoto Izmir Recife".split()),
        "{name} was born in {value}.",
        "Where was {name} born?",
        ("In which city was {name} born?", "What is the birthplace of {name}?",
         "{name} was born in which city?"),
    ),
    "birth_year": (
        tuple(str(y) for y in range(1940, 2000)),
        "{name} was born in the year {value}.",
        "In what year was {name} born?",
        ("What is the birth year of {name}?", "When was {name} born?",
         "{name} was born in which year?"),
    ),
    "occupation": (
        tuple("baker pilot surgeon carpenter chemist sailor librarian architect farmer judge "
              "painter plumber nurse geologist tailor jeweler diver potter astronomer "
              "blacksmith".split()),
        "{name} works as a {value}.",
        "What is the occupation of {name}?",
        ("What does {name} do for a living?", "What job does {name} have?",
         "{name} works in which profession?"),
    ),
    "parent_occupation": (
        tuple("baker pilot surgeon carpenter chemist sailor librarian architect farmer judge "
              "painter plumber nurse geologist tailor jeweler diver potter astronomer "
              "blacksmith".split()),
        "The parent of {name} worked as a {value}.",
        "What was the occupation of the parent of {name}?",
        ("What job did the parent of {name} have?", "What did the parent of {name} do for a living?",
         "The parent of {name} worked in which profession?"),
    ),
    "award": (
        tuple("Lantern Meridian Halcyon Aurora Beacon Sterling Cobalt Ember Zenith Solstice "
              "Juniper Obsidian Quartz Saffron Tempest".split()),
        "{name} won the {value} Prize.",
        "Which prize did {name} win?",
        ("What award was given to {name}?", "Which prize was awarded to {name}?",
         "{name} received which prize?"),
    ),
    "genre": (
        tuple("mystery romance fantasy horror poetry satire thriller drama history "
              "travel comedy memoir".split()),
        "{name} writes {value} books.",
        "What genre does {name} write?",
        ("In which genre does {name} write?", "What kind of books does {name} write?",
         "{name} is known for books of which genre?"),
    ),
    "first_book": (
        tuple("Harbor Orchard Lighthouse Glacier Meadow Furnace Compass Cathedral Canyon "
              "Tundra Labyrinth Marsh Citadel Lagoon Monsoon Prairie Quarantine Reef".split()),
        "The first book of {name} is called The {value}.",
        "What is the title of the first book of {name}?",
        ("What was the first book written by {name}?", "Which book did {name} publish first?",
         "The first book of {name} has which title?"),
    ),
    "pet": (
        tuple("cat dog parrot rabbit tortoise ferret hamster goat pony lizard owl "
              "goldfish".split()),
        "{name} keeps a {value} as a pet.",
        "What pet does {name} keep?",
        ("Which animal does {name} keep as a pet?", "What kind of pet does {name} have?",
         "{name} has which pet?"),
    ),
    "instrument": (
        tuple("violin cello flute harp piano drums trumpet oboe banjo accordion clarinet "
              "guitar".split()),
        "{name} plays the {value}.",
        "Which instrument does {name} play?",
        ("What instrument does {name} play?", "What musical instrument is played by {name}?",
         "{name} plays which instrument?"),
    ),
    "favorite_color": (
        tuple("crimson amber olive teal indigo violet scarlet ivory silver maroon "
              "turquoise lavender".split()),
        "The favorite color of {name} is {value}.",
        "What is the favorite color of {name}?",
        ("Which color does {name} like best?", "What color is the favorite of {name}?",
         "The favorite color of {name} is which color?"),
    ),
}

DEFAULT_ATTRIBUTES = ("birth_city", "birth_year", "occupation", "parent_occupation", "award", "genre")
SPLIT_NAMES = ("forget01", "forget05", "forget10")
QUESTION_PREFIX = "Question: "
ANSWER_PREFIX = "\nAnswer:"
CONTEXT_PREFIX = "Context: "


def qa_prompt(question: str, context: str = "") -> str:
    """The prompt format every model in obliviate is trained and scored with."""
    head = f"{CONTEXT_PREFIX}{context}\n" if context else ""
    return f"{head}{QUESTION_PREFIX}{question}{ANSWER_PREFIX}"


@dataclass(frozen=True)
class WorldConfig:
    """How to build the world. The defaults are the demo world."""

    seed: int = 0
    n_people: int = 100
    # Attributes asked about and trained on. Every person has all ten facts; the
    # default asks six so that the tiny models memorize the world within the demo's
    # time budget on two CPU cores (all ten: pass tuple(ATTRIBUTES)).
    attributes: tuple[str, ...] = DEFAULT_ATTRIBUTES
    holdout_fraction: float = 0.1
    n_perturbed: int = 3
    # Reading-comprehension examples about people outside the world, per training epoch.
    n_reading: int = 1200
    n_compositional: int = 40

    def fingerprint(self) -> str:
        """A short hash identifying this config (used in cache keys)."""
        blob = json.dumps(asdict(self), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


@dataclass
class Person:
    name: str
    facts: dict[str, str] = field(default_factory=dict)


class World:
    """A deterministic world of fictitious people; see module docstring."""

    def __init__(self, config: WorldConfig | None = None):
        self.config = config or WorldConfig()
        unknown = [a for a in self.config.attributes if a not in ATTRIBUTES]
        if unknown:
            raise ObliviateError(
                f"unknown attribute(s) {unknown}; expected a subset of {sorted(ATTRIBUTES)}")
        max_people = len(FIRST_NAMES) * len(LAST_NAMES) // 2
        if not 10 <= self.config.n_people <= max_people:
            raise ObliviateError(f"n_people must be in [10, {max_people}], got {self.config.n_people}")
        rng = random.Random(self.config.seed)
        names = [f"{f} {l}" for f in FIRST_NAMES for l in LAST_NAMES]
        rng.shuffle(names)
        self._spare_names = names[self.config.n_people:]
        self.people: list[Person] = []
        for name in names[: self.config.n_people]:
            facts = {a: rng.choice(ATTRIBUTES[a][0]) for a in ATTRIBUTES}
            self.people.append(Person(name, facts))
        n = len(self.people)
        n_holdout = max(1, round(n * self.config.holdout_fraction))
        self.holdout = [p.name for p in self.people[:n_holdout]]
        rest = [p.name for p in self.people[n_holdout:]]
        # forget01 within forget05 within forget10: requests of growing size, same people first.
        self.forget_people = {
            "forget01": rest[: max(1, round(n * 0.01))],
            "forget05": rest[: max(1, round(n * 0.05))],
            "forget10": rest[: max(1, round(n * 0.10))],
        }
        self.trained_people = rest
        self._by_name = {p.name: p for p in self.people}
        self._rng_seed = self.config.seed

    # ---- items -----------------------------------------------------------------
    def person(self, name: str) -> Person:
        return self._by_name[name]

    def _perturbed(self, attribute: str, value: str, key: str) -> list[str]:
        rng = random.Random(f"{self._rng_seed}:{key}:{attribute}")
        wrong = [v for v in ATTRIBUTES[attribute][0] if v != value]
        return rng.sample(wrong, self.config.n_perturbed)

    def fact_sentence(self, name: str, attribute: str, value: str | None = None) -> str:
        """The biography sentence stating one fact."""
        value = self.person(name).facts[attribute] if value is None else value
        return ATTRIBUTES[attribute][1].format(name=name, value=value)

    def qa_items(self, names: list[str], split: str) -> list[QAItem]:
        """One QA item per (person, attribute), in a fixed order."""
        items = []
        for name in names:
            person = self.person(name)
            for attribute in self.config.attributes:
                value = person.facts[attribute]
                _, _, question, paraphrases = ATTRIBUTES[attribute]
                items.append(QAItem(
                    question=question.format(name=name),
                    answer=value,
                    # Single-value answers have no paraphrase the model was trained on;
                    # the truth ratio then compares the answer with the perturbed values.
                    paraphrased_answer=value,
                    perturbed_answers=self._perturbed(attribute, value, name),
                    entity=name,
                    attribute=attribute,
                    split=split,
                    paraphrased_questions=[q.format(name=name) for q in paraphrases],
                    context=self.fact_sentence(name, attribute),
                ))
        return items

    def split_people(self, forget: str = "forget10") -> dict[str, list[str]]:
        """People per split for one forget split: forget, retain, holdout."""
        if forget not in self.forget_people:
            raise ObliviateError(f"unknown forget split {forget!r}; expected one of {SPLIT_NAMES}")
        forget_names = self.forget_people[forget]
        retain = [n for n in self.trained_people if n not in set(forget_names)]
        return {"forget": list(forget_names), "retain": retain, "holdout": list(self.holdout)}

    def splits(self, forget: str = "forget10") -> dict[str, list[QAItem]]:
        """QA items for forget, retain, holdout and neighbor sets.

        ``neighbor``: facts of retain people that share the attribute value with some
        forget person (the collateral-damage set of TOFU's "real authors"-style checks).
        """
        people = self.split_people(forget)
        out = {k: self.qa_items(v, k) for k, v in people.items()}
        forget_values = {(i.attribute, i.answer) for i in out["forget"]}
        out["neighbor"] = [
            QAItem(**{**i.to_dict(), "split": "neighbor"})
            for i in out["retain"] if (i.attribute, i.answer) in forget_values
        ]
        return out

    def compositional_items(self, forget: str = "forget10") -> list[QAItem]:
        """Yes/no questions that need one forget fact and one retain fact."""
        people = self.split_people(forget)
        rng = random.Random(f"{self._rng_seed}:compositional:{forget}")
        attrs = [a for a in ("birth_city", "occupation", "genre", "instrument")
                 if a in self.config.attributes] or list(self.config.attributes[:1])
        items = []
        for i in range(self.config.n_compositional):
            a_name = people["forget"][i % len(people["forget"])]
            attribute = attrs[i % len(attrs)]
            a_value = self.person(a_name).facts[attribute]
            want_same = i % 2 == 0
            pool = [n for n in people["retain"]
                    if (self.person(n).facts[attribute] == a_value) == want_same]
            if not pool:
                continue
            b_name = rng.choice(pool)
            items.append(QAItem(
                question=compositional_question(attribute, a_name, b_name),
                answer="yes" if want_same else "no",
                paraphrased_answer="yes" if want_same else "no",
                perturbed_answers=["no" if want_same else "yes"],
                entity=a_name, other_entity=b_name, attribute=attribute,
                split="compositional", context=self.fact_sentence(a_name, attribute),
            ))
        return items

    # ---- training text -------------------------------------------------------------
    def biography(self, name: str) -> str:
        """All facts of one person as one paragraph (fixed order)."""
        return " ".join(self.fact_sentence(name, a) for a in self.config.attributes)

    def training_texts(self, names: list[str], biographies: bool = False) -> list[tuple[str, str]]:
        """(prompt, completion) pairs to memorize: QA (and optionally biographies) of ``names``.

        A biography has an empty prompt (loss on every token); a QA pair puts the
        loss on the answer only.
        """
        pairs: list[tuple[str, str]] = [("", self.biography(n)) for n in names] if biographies else []
        for item in self.qa_items(names, "train"):
            pairs.append((qa_prompt(item.question), " " + item.answer))
        return pairs

    def reading_texts(self, epoch: int, n: int | None = None) -> list[tuple[str, str]]:
        """Reading-comprehension pairs about people outside the world, fresh per epoch.

        The fact is in the prompt next to distractor facts, so the model learns to
        answer from context: this is what makes in-context reintroduction (UnUnlearning,
        Shumailov et al. 2024) measurable at tiny scale.
        """
        n = self.config.n_reading if n is None else n
        rng = random.Random(f"{self._rng_seed}:reading:{epoch}")
        attrs = list(self.config.attributes)
        pairs = []
        for k in range(n):
            target, other = rng.sample(self._spare_names, 2)
            if k % 8 == 7:
                # Comparison from context: teaches the compositional form of question.
                attribute = rng.choice(attrs)
                vocab = ATTRIBUTES[attribute][0]
                va = rng.choice(vocab)
                vb = va if rng.random() < 0.5 else rng.choice([v for v in vocab if v != va])
                facts = [ATTRIBUTES[attribute][1].format(name=target, value=va),
                         ATTRIBUTES[attribute][1].format(name=other, value=vb)]
                rng.shuffle(facts)
                pairs.append((qa_prompt(compositional_question(attribute, target, other), " ".join(facts)),
                              " yes" if va == vb else " no"))
                continue
            attribute, distractor_attribute = rng.choice(attrs), rng.choice(attrs)
            value = rng.choice(ATTRIBUTES[attribute][0])
            facts = [ATTRIBUTES[attribute][1].format(name=target, value=value)]
            # Distractor: same attribute of another person, or another attribute of the target.
            if rng.random() < 0.5 or distractor_attribute == attribute:
                facts.append(ATTRIBUTES[attribute][1].format(
                    name=other, value=rng.choice(ATTRIBUTES[attribute][0])))
            else:
                facts.append(ATTRIBUTES[distractor_attribute][1].format(
                    name=target, value=rng.choice(ATTRIBUTES[distractor_attribute][0])))
            rng.shuffle(facts)
            question = ATTRIBUTES[attribute][2].format(name=target)
            pairs.append((qa_prompt(question, " ".join(facts)), " " + value))
        return pairs

    def all_text(self) -> list[str]:
        """Text for tokenizer training: templates, vocabularies and names, no person's facts.

        The tokenizer is shared by the original and the gold model, so it must not
        depend on who is in the forget set.
        """
        texts = [p + c for p, c in self.reading_texts(0, 400)]
        rng = random.Random(f"{self._rng_seed}:tokenizer")
        for attribute, (vocab, sentence, question, paraphrases) in ATTRIBUTES.items():
            texts.append(" ".join(vocab))
            for value in vocab:
                name = rng.choice(self._spare_names)
                texts.append(qa_prompt(question.format(name=name)) + " " + value)
                texts.append(sentence.format(name=name, value=value))
                texts.extend(q.format(name=name) for q in paraphrases)
        texts.extend(" ".join(FIRST_NAMES[i:] + LAST_NAMES[:i]) for i in range(0, 50, 5))
        texts.append("I don't know. I cannot answer that. yes no")
        return texts

    @cached_property
    def hash(self) -> str:
        """Content hash of the world (people and facts)."""
        blob = json.dumps([[p.name, p.facts] for p in self.people], sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


COMPOSITIONAL_TEMPLATES = {
    "birth_city": "Were {a} and {b} born in the same city?",
    "occupation": "Do {a} and {b} have the same occupation?",
    "genre": "Do {a} and {b} write the same genre?",
    "instrument": "Do {a} and {b} play the same instrument?",
}


def compositional_question(attribute: str, a: str, b: str) -> str:
    template = COMPOSITIONAL_TEMPLATES.get(attribute, "Do {a} and {b} share the same " + attribute.replace("_", " ") + "?")
    return template.format(a=a, b=b)
