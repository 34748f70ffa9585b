"""What the embedded assistant says, in each language it speaks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Phrases:
    price: str
    price_sold_out: str
    sold_out: str
    available: str
    allergens: str
    no_allergens: str
    describe: str
    matches: str
    no_matches: str
    not_on_menu: str
    order_hint: str
    greeting: str
    help: str
    empty_menu: str
    without: str
    up_to: str
    tags: dict[str, str]


PHRASES: dict[str, Phrases] = {
    "en": Phrases(
        price="{name} costs {price}.",
        price_sold_out="{name} costs {price}, but it is sold out right now.",
        sold_out="{name} is sold out right now.",
        available="Yes, {name} is available ({price}).",
        allergens="{name} contains: {allergens}.",
        no_allergens="{name} has no allergens listed.",
        describe="{name} ({price}): {description}",
        matches="Here is what we have{criteria}: {items}.",
        no_matches="Nothing on our menu matches that right now.",
        not_on_menu="Sorry, {what} is not on our menu.",
        order_hint=(
            "To order {name}, add it to your draft order; staff confirm it before it goes "
            "to the kitchen."
        ),
        greeting=(
            "Hello! Ask me about our dishes: prices, allergens, vegan or vegetarian options, "
            "or what fits your budget."
        ),
        help=(
            "I can tell you about our dishes: prices, allergens, vegan or vegetarian options, "
            "or what fits your budget."
        ),
        empty_menu="I cannot see the menu right now; please ask a member of staff.",
        without="without {what}",
        up_to="up to {price}",
        tags={"vegan": "vegan", "vegetarian": "vegetarian", "spicy": "spicy"},
    ),
    "fr": Phrases(
        price="{name} coûte {price}.",
        price_sold_out="{name} coûte {price}, mais il est épuisé pour le moment.",
        sold_out="{name} est épuisé pour le moment.",
        available="Oui, {name} est disponible ({price}).",
        allergens="{name} contient : {allergens}.",
        no_allergens="{name} ne contient aucun allergène déclaré.",
        describe="{name} ({price}) : {description}",
        matches="Voici ce que nous avons{criteria} : {items}.",
        no_matches="Rien à notre carte ne correspond pour le moment.",
        not_on_menu="Désolé, {what} n'est pas à notre carte.",
        order_hint=(
            "Pour commander {name}, ajoutez-le à votre commande en préparation ; l'équipe la "
            "confirme avant de l'envoyer en cuisine."
        ),
        greeting=(
            "Bonjour ! Demandez-moi nos plats : prix, allergènes, options véganes ou "
            "végétariennes, ou ce qui tient dans votre budget."
        ),
        help=(
            "Je peux vous renseigner sur nos plats : prix, allergènes, options véganes ou "
            "végétariennes, ou ce qui tient dans votre budget."
        ),
        empty_menu="Je ne vois pas la carte pour le moment ; demandez à un membre de l'équipe.",
        without="sans {what}",
        up_to="jusqu'à {price}",
        tags={"vegan": "végan", "vegetarian": "végétarien", "spicy": "épicé"},
    ),
    "de": Phrases(
        price="{name} kostet {price}.",
        price_sold_out="{name} kostet {price}, ist aber gerade ausverkauft.",
        sold_out="{name} ist gerade ausverkauft.",
        available="Ja, {name} ist verfügbar ({price}).",
        allergens="{name} enthält: {allergens}.",
        no_allergens="Für {name} sind keine Allergene angegeben.",
        describe="{name} ({price}): {description}",
        matches="Das haben wir{criteria}: {items}.",
        no_matches="Dazu passt gerade nichts auf unserer Karte.",
        not_on_menu="{what} steht leider nicht auf unserer Karte.",
        order_hint=(
            "Um {name} zu bestellen, fügen Sie es Ihrer Bestellung hinzu; das Personal "
            "bestätigt sie, bevor sie in die Küche geht."
        ),
        greeting=(
            "Hallo! Fragen Sie mich nach unseren Gerichten: Preise, Allergene, vegane oder "
            "vegetarische Optionen oder was in Ihr Budget passt."
        ),
        help=(
            "Ich kann Ihnen zu unseren Gerichten Auskunft geben: Preise, Allergene, vegane "
            "oder vegetarische Optionen oder was in Ihr Budget passt."
        ),
        empty_menu="Ich sehe die Karte gerade nicht; bitte fragen Sie das Personal.",
        without="ohne {what}",
        up_to="bis {price}",
        tags={"vegan": "vegan", "vegetarian": "vegetarisch", "spicy": "scharf"},
    ),
    "es": Phrases(
        price="{name} cuesta {price}.",
        price_sold_out="{name} cuesta {price}, pero ahora mismo está agotado.",
        sold_out="{name} está agotado ahora mismo.",
        available="Sí, {name} está disponible ({price}).",
        allergens="{name} contiene: {allergens}.",
        no_allergens="{name} no tiene alérgenos declarados.",
        describe="{name} ({price}): {description}",
        matches="Esto es lo que tenemos{criteria}: {items}.",
        no_matches="Ahora mismo no hay nada en nuestra carta que encaje.",
        not_on_menu="Lo siento, {what} no está en nuestra carta.",
        order_hint=(
            "Para pedir {name}, añádelo a tu pedido en borrador; el personal lo confirma "
            "antes de enviarlo a cocina."
        ),
        greeting=(
            "¡Hola! Pregúntame por nuestros platos: precios, alérgenos, opciones veganas o "
            "vegetarianas, o qué encaja en tu presupuesto."
        ),
        help=(
            "Puedo informarte sobre nuestros platos: precios, alérgenos, opciones veganas o "
            "vegetarianas, o qué encaja en tu presupuesto."
        ),
        empty_menu="Ahora mismo no veo la carta; pregunta a alguien del personal.",
        without="sin {what}",
        up_to="hasta {price}",
        tags={"vegan": "vegano", "vegetarian": "vegetariano", "spicy": "picante"},
    ),
}

# Words that already say an item cannot be had, in any of the languages above.
SOLD_OUT_WORDS = (
    "sold out", "not available", "unavailable", "epuise", "plus disponible",
    "pas disponible", "ausverkauft", "nicht verfugbar", "agotado", "no disponible",
    "no esta disponible",
)  # fmt: skip
SOLD_OUT_NOTE = {
    "en": "sold out right now",
    "fr": "épuisé pour le moment",
    "de": "gerade ausverkauft",
    "es": "agotado ahora mismo",
}
