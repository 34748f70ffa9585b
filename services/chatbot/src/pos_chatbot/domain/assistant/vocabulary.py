"""The words the assistant understands, in English, French, German and Spanish.

All entries are folded (lower case, no accents: see `language.fold`). Dietary tags and
allergens map to one canonical name each, so "végétarien", "veggie" and "vegetarian"
ask for the same tag, and "noix", "Nüsse" and "nuts" for the same allergen.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pos_chatbot.domain.language import fold, word_set


class Intent(StrEnum):
    PRICE = "price"
    ALLERGENS = "allergens"
    AVAILABILITY = "availability"
    RECOMMEND = "recommend"
    MENU = "menu"
    ORDER = "order"
    GREETING = "greeting"


def _phrases(text: str) -> frozenset[str]:
    return frozenset(p.strip() for p in text.split("|") if p.strip())


# Phrases (one or more folded words) that signal an intent.
INTENTS: dict[Intent, frozenset[str]] = {
    Intent.PRICE: _phrases(
        "price|prices|cost|costs|how much|expensive|cheap|cheapest|prix|combien|coute|coutent|"
        "tarif|preis|preise|kostet|kosten|wie viel|wieviel|teuer|precio|precios|cuanto|"
        "cuesta|cuestan|vale"
    ),
    Intent.ALLERGENS: _phrases(
        "allergen|allergens|allergy|allergies|allergic|contain|contains|intolerant|"
        "intolerance|ingredients|allergene|allergenes|allergie|allergies|contient|contiennent|"
        "ingredients|allergien|enthalt|enthalten|zutaten|alergeno|alergenos|alergia|alergico|"
        "contiene|contienen|ingredientes"
    ),
    Intent.AVAILABILITY: _phrases(
        "available|availability|sold out|in stock|still have|do you have|disponible|"
        "disponibles|epuise|il reste|vous avez|avez vous|verfugbar|ausverkauft|habt ihr|"
        "gibt es|agotado|teneis|tienen|hay"
    ),
    Intent.RECOMMEND: _phrases(
        "recommend|recommendation|suggest|suggestion|best|popular|favourite|favorite|"
        "what should|anything|something|options|recommandez|recommander|conseillez|conseil|"
        "suggestion|quelque chose|empfehlen|empfehlung|empfiehlst|etwas|recomienda|"
        "recomiendas|recomendacion|sugerencia|algo"
    ),
    Intent.MENU: _phrases("menu|carte|speisekarte|karte|carta|what do you serve"),
    Intent.ORDER: _phrases(
        "i would like|i'd like|i will have|i'll have|can i get|order|i want|je voudrais|"
        "commander|je prends|bestellen|ich mochte|ich nehme|pedir|quiero|quisiera"
    ),
    Intent.GREETING: _phrases(
        "hello|hi|hey|good evening|good morning|bonjour|bonsoir|salut|hallo|guten tag|"
        "guten abend|hola|buenas|buenas noches"
    ),
}

# Dietary tags: what a guest may write -> the canonical tag. A vegan dish is vegetarian too.
TAGS: dict[str, str] = {
    **dict.fromkeys(
        ["vegan", "vegans", "plant based", "vegane", "veganes", "veganer", "vegetalien",
         "vegetalienne", "vegano", "vegana", "veganos", "veganas"],
        "vegan",
    ),
    **dict.fromkeys(
        ["vegetarian", "vegetarians", "veggie", "veggies", "vegetarien", "vegetarienne",
         "vegetariens", "vegetarisch", "vegetarische", "vegetarisches", "vegetariano",
         "vegetariana", "vegetarianos", "vegetarianas"],
        "vegetarian",
    ),
    **dict.fromkeys(
        ["spicy", "epice", "epicee", "piquant", "piquante", "scharf", "scharfe",
         "picante", "picantes"],
        "spicy",
    ),
    **dict.fromkeys(["halal"], "halal"),
    **dict.fromkeys(["kosher", "casher", "koscher"], "kosher"),
}  # fmt: skip
TAG_IMPLIED_BY: dict[str, frozenset[str]] = {"vegetarian": frozenset({"vegan"})}

# Allergens: a written word -> the canonical allergens it stands for. Asking to avoid
# "nuts" avoids peanuts too: with allergies, the cautious reading is the right one.
ALLERGENS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        ["gluten", "wheat", "ble", "weizen", "trigo"], frozenset({"gluten"})
    ),
    **dict.fromkeys(
        ["milk", "dairy", "lactose", "lait", "laitier", "laitiers", "lactose", "milch",
         "laktose", "milchprodukte", "leche", "lacteos", "lactosa"],
        frozenset({"milk"}),
    ),
    **dict.fromkeys(
        ["egg", "eggs", "oeuf", "oeufs", "ei", "eier", "huevo", "huevos"], frozenset({"egg"})
    ),
    **dict.fromkeys(
        ["nut", "nuts", "tree nuts", "walnut", "walnuts", "almond", "almonds", "hazelnut",
         "hazelnuts", "noix", "noisette", "noisettes", "amande", "amandes", "fruits a coque",
         "nuss", "nusse", "mandel", "mandeln", "haselnuss", "nuez", "nueces", "almendra",
         "almendras", "frutos secos"],
        frozenset({"nuts", "peanuts"}),
    ),
    **dict.fromkeys(
        ["peanut", "peanuts", "arachide", "arachides", "cacahuete", "cacahuetes", "erdnuss",
         "erdnusse", "mani", "cacahuete"],
        frozenset({"peanuts"}),
    ),
    **dict.fromkeys(["fish", "poisson", "poissons", "fisch", "pescado"], frozenset({"fish"})),
    **dict.fromkeys(
        ["crustacean", "crustaceans", "prawn", "prawns", "shrimp", "shrimps", "crustace",
         "crustaces", "crevette", "crevettes", "krebstiere", "garnelen", "garnele",
         "crustaceo", "crustaceos", "gamba", "gambas"],
        frozenset({"crustaceans"}),
    ),
    **dict.fromkeys(
        ["mollusc", "molluscs", "mollusk", "mollusks", "mussel", "mussels", "mollusque",
         "mollusques", "moules", "weichtiere", "muscheln", "molusco", "moluscos",
         "mejillones"],
        frozenset({"molluscs"}),
    ),
    **dict.fromkeys(
        ["shellfish", "fruits de mer", "meeresfruchte", "marisco", "mariscos"],
        frozenset({"crustaceans", "molluscs"}),
    ),
    **dict.fromkeys(["soy", "soya", "soja"], frozenset({"soy"})),
    **dict.fromkeys(["sesame", "sesam", "sesamo"], frozenset({"sesame"})),
    **dict.fromkeys(["celery", "celeri", "sellerie", "apio"], frozenset({"celery"})),
    **dict.fromkeys(["mustard", "moutarde", "senf", "mostaza"], frozenset({"mustard"})),
    **dict.fromkeys(
        ["sulphites", "sulphite", "sulfites", "sulfite", "sulfit", "sulfite", "sulfitos"],
        frozenset({"sulphites"}),
    ),
    **dict.fromkeys(["lupin", "lupine", "lupinen", "altramuz"], frozenset({"lupin"})),
}  # fmt: skip

# "-free" words that name what to avoid on their own ("glutenfrei", "lactose-free").
FREE_OF: dict[str, frozenset[str]] = {
    "glutenfrei": ALLERGENS["gluten"],
    "laktosefrei": ALLERGENS["milk"],
    "nussfrei": ALLERGENS["nuts"],
}
# Words that turn the allergen after (or, for "free", before) them into one to avoid.
AVOID_BEFORE = word_set(
    """
    without no not avoid allergic free sans pas aucun allergique ohne kein keine keinen
    allergisch sin libre alergico alergica
    """
)
AVOID_AFTER = frozenset({"free", "frei", "libre"})

# Dish words a guest may use for what the menu calls otherwise.
DISH_WORDS: dict[str, str] = {
    **dict.fromkeys(["fries", "chips", "frites", "pommes", "patatas", "papas"], "fries"),
    **dict.fromkeys(["burger", "burgers", "hamburger", "hamburgers", "hamburguesa"], "burger"),
    **dict.fromkeys(["coffee", "cafe", "kaffee", "espresso", "expresso"], "coffee"),
    **dict.fromkeys(["water", "eau", "wasser", "agua"], "water"),
    **dict.fromkeys(["wine", "vin", "wein", "vino"], "wine"),
    **dict.fromkeys(["beer", "biere", "bier", "cerveza"], "beer"),
    **dict.fromkeys(["chicken", "poulet", "hahnchen", "huhn", "pollo"], "chicken"),
    **dict.fromkeys(["beef", "boeuf", "rind", "rindfleisch", "ternera"], "beef"),
    **dict.fromkeys(["salad", "salade", "salat", "ensalada"], "salad"),
    **dict.fromkeys(["soup", "soupe", "potage", "suppe", "sopa"], "soup"),
    **dict.fromkeys(["dessert", "desserts", "nachtisch", "nachspeise", "postre"], "dessert"),
    **dict.fromkeys(["cheese", "fromage", "fromages", "kase", "queso"], "cheese"),
    **dict.fromkeys(["mushroom", "mushrooms", "champignon", "champignons", "pilz",
                     "pilze", "seta", "setas", "champinon", "champinones", "porcini"],
                    "mushroom"),
    **dict.fromkeys(["bread", "pain", "brot", "pan"], "bread"),
    **dict.fromkeys(["lemonade", "limonade", "limonada"], "lemonade"),
    **dict.fromkeys(["mussels", "mussel", "moules", "muscheln", "mejillones"], "mussels"),
    **dict.fromkeys(["prawns", "prawn", "shrimp", "shrimps", "crevettes", "garnelen",
                     "gambas"], "prawns"),
    **dict.fromkeys(["steak", "steaks", "bifteck", "filete"], "steak"),
    **dict.fromkeys(["chocolate", "chocolat", "schokolade"], "chocolate"),
}  # fmt: skip

# Dish words in general, on this menu or not: how a dish the menu does not have is
# recognised, in a guest's question or in an LLM's reply.
DISH_LEXICON = frozenset(DISH_WORDS) | word_set(
    """
    lobster lobsters bisque pizza pizzas pasta spaghetti lasagna lasagne ravioli gnocchi
    risotto paella sushi sashimi ramen curry tacos taco burrito nachos kebab falafel hummus
    steak tartare carpaccio ceviche oysters oyster scallops scallop crab caviar truffle
    truffles foie duck lamb veal pork ribs sausage sausages bacon ham salmon tuna cod trout
    squid calamari octopus clams tiramisu cheesecake brownie brownies sorbet gelato pancake
    pancakes waffle waffles crepe crepes souffle macarons eclair tart pie quiche omelette
    sandwich bagel croissant dumplings noodles tempura pho smoothie milkshake cocktail
    cocktails mojito margarita sangria champagne prosecco whisky whiskey vodka gin rum
    tequila cider latte mocha frappe

    homard langouste huitres canard agneau veau porc saumon thon cabillaud truite calmar
    poulpe glace gateau tarte

    hummer ente lamm kalb schwein lachs thunfisch kabeljau forelle tintenfisch eis kuchen
    torte schnitzel wurst

    langosta ostras pato cordero cerdo atun bacalao calamares pulpo helado tarta
    """
)

STOPWORDS = word_set(
    """
    a an the of with and or in on at for to from is are be was do does did you your we our i
    me my it its this that these those there here have has had any some what which who how
    much many can could would will like please get give want need tell about today tonight
    dish dishes food eat drink drinks something thing things one ones also very really just

    le la les un une des du de d l et ou avec est sont vous votre nous notre je moi il elle
    y a ce cette ces pour au aux en qu que quel quelle quels quelles quoi plat plats

    der die das den dem des ein eine einen einem und oder mit ist sind ihr euer wir unser
    ich mir es was welche welcher welches fur von zu im am bitte gericht gerichte

    el la los las un una unos unas y o con es son tienen teneis que cual cuales yo me mi
    hay para del al por favor plato platos
    """
)

# "under 15", "moins de 12,50 €", "unter 20", "menos de 10", "<15"...
BUDGET_WORDS = (
    r"under|below|less than|max(?:imum)?|up to|at most|cheaper than|no more than|"
    r"moins de|moins que|maximum|jusqu'?a|pas plus de|unter|bis|hochstens|weniger als|"
    r"billiger als|menos de|hasta|maximo|por debajo de|<=?"
)
BUDGET_RE = re.compile(
    rf"(?<!\w)(?:{BUDGET_WORDS})\s*(?:[€$£]|eur|euros?|usd|dollars?|gbp)?\s*"
    r"(?P<amount>\d+(?:[.,]\d{1,2})?)"
)


def canonical_tag(tag: str) -> str:
    folded = fold(tag).replace("-", " ").strip()
    return TAGS.get(folded, folded)


def canonical_allergens(allergen: str) -> frozenset[str]:
    folded = fold(allergen).replace("-", " ").strip()
    return ALLERGENS.get(folded, frozenset({folded}))


def canonical_word(word: str) -> str:
    return DISH_WORDS.get(word, word)
