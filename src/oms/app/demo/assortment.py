"""The demo merchant's assortment: an apparel brand's products, translated into five languages.

Hand-written names (machine-made translations read badly); everything else — SKUs, GTINs, prices,
weights — is derived deterministically from this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

LOCALES = ("en", "de", "fr", "es", "zh")


@dataclass(frozen=True)
class Item:
    code: str
    names: tuple[str, str, str, str, str]  # en, de, fr, es, zh
    price_eur: Decimal
    sizes: tuple[str, ...]
    colours: tuple[str, ...]
    weight_grams: int
    box_mm: tuple[int, int, int]
    tax_category: str = "standard"
    returnable: bool = True


COLOURS: dict[str, tuple[str, str, str, str, str]] = {
    "black": ("Black", "Schwarz", "Noir", "Negro", "黑色"),
    "white": ("White", "Weiß", "Blanc", "Blanco", "白色"),
    "navy": ("Navy", "Marineblau", "Bleu marine", "Azul marino", "藏青色"),
    "olive": ("Olive", "Oliv", "Olive", "Oliva", "橄榄绿"),
    "red": ("Red", "Rot", "Rouge", "Rojo", "红色"),
    "grey": ("Grey", "Grau", "Gris", "Gris", "灰色"),
    "sand": ("Sand", "Sand", "Sable", "Arena", "沙色"),
}

CLOTHING = ("S", "M", "L")
SHOES = ("40", "42", "44")

ITEMS: tuple[Item, ...] = (
    Item(
        "TSH",
        (
            "Organic Cotton T-Shirt",
            "T-Shirt aus Bio-Baumwolle",
            "T-shirt en coton bio",
            "Camiseta de algodón orgánico",
            "有机棉T恤",
        ),
        Decimal("24.95"),
        CLOTHING,
        ("black", "white"),
        180,
        (300, 250, 20),
    ),
    Item(
        "HOD",
        (
            "Heavyweight Hoodie",
            "Schwerer Kapuzenpullover",
            "Sweat à capuche épais",
            "Sudadera con capucha gruesa",
            "厚实连帽衫",
        ),
        Decimal("69.00"),
        CLOTHING,
        ("grey", "navy"),
        650,
        (350, 300, 60),
    ),
    Item(
        "SWT",
        (
            "Merino Crew Sweater",
            "Merino-Pullover mit Rundhals",
            "Pull col rond en mérinos",
            "Jersey de cuello redondo de merino",
            "美利奴圆领毛衣",
        ),
        Decimal("89.00"),
        CLOTHING,
        ("navy", "olive"),
        420,
        (350, 300, 50),
    ),
    Item(
        "JKT",
        (
            "Waterproof Rain Jacket",
            "Wasserdichte Regenjacke",
            "Veste de pluie imperméable",
            "Chaqueta impermeable",
            "防水雨衣",
        ),
        Decimal("149.00"),
        CLOTHING,
        ("black", "olive"),
        780,
        (400, 320, 80),
    ),
    Item(
        "CHN",
        ("Stretch Chinos", "Stretch-Chinohose", "Chino stretch", "Chinos elásticos", "弹力卡其裤"),
        Decimal("59.95"),
        CLOTHING,
        ("sand", "navy"),
        520,
        (350, 280, 40),
    ),
    Item(
        "JNS",
        (
            "Selvedge Denim Jeans",
            "Selvedge-Denim-Jeans",
            "Jean en denim selvedge",
            "Vaqueros de denim selvedge",
            "赤耳丹宁牛仔裤",
        ),
        Decimal("119.00"),
        CLOTHING,
        ("navy", "black"),
        820,
        (350, 280, 50),
    ),
    Item(
        "DRS",
        (
            "Linen Summer Dress",
            "Sommerkleid aus Leinen",
            "Robe d'été en lin",
            "Vestido de verano de lino",
            "亚麻夏季连衣裙",
        ),
        Decimal("79.00"),
        CLOTHING,
        ("white", "sand"),
        300,
        (350, 280, 30),
    ),
    Item(
        "SNK",
        (
            "Canvas Sneakers",
            "Canvas-Sneaker",
            "Baskets en toile",
            "Zapatillas de lona",
            "帆布运动鞋",
        ),
        Decimal("84.95"),
        SHOES,
        ("white", "black"),
        900,
        (330, 220, 120),
    ),
    Item(
        "BOT",
        (
            "Leather Chelsea Boots",
            "Chelsea-Boots aus Leder",
            "Bottines Chelsea en cuir",
            "Botines Chelsea de piel",
            "皮质切尔西靴",
        ),
        Decimal("189.00"),
        SHOES,
        ("black",),
        1400,
        (340, 240, 130),
    ),
    Item(
        "SCK",
        (
            "Merino Hiking Socks",
            "Merino-Wandersocken",
            "Chaussettes de randonnée en mérinos",
            "Calcetines de senderismo de merino",
            "美利奴徒步袜",
        ),
        Decimal("16.95"),
        CLOTHING,
        ("grey", "olive"),
        80,
        (200, 100, 30),
        returnable=False,
    ),
    Item(
        "CAP",
        (
            "Six-Panel Cap",
            "Sechs-Panel-Kappe",
            "Casquette six panneaux",
            "Gorra de seis paneles",
            "六片棒球帽",
        ),
        Decimal("29.00"),
        (),
        ("black", "navy", "sand"),
        110,
        (250, 200, 120),
    ),
    Item(
        "BNE",
        (
            "Ribbed Beanie",
            "Gerippte Beanie-Mütze",
            "Bonnet côtelé",
            "Gorro de canalé",
            "罗纹针织帽",
        ),
        Decimal("24.00"),
        (),
        ("grey", "red", "black"),
        90,
        (220, 180, 40),
    ),
    Item(
        "SCF",
        ("Wool Scarf", "Wollschal", "Écharpe en laine", "Bufanda de lana", "羊毛围巾"),
        Decimal("49.00"),
        (),
        ("grey", "red"),
        200,
        (300, 200, 40),
    ),
    Item(
        "BPK",
        (
            "Roll-Top Backpack",
            "Rolltop-Rucksack",
            "Sac à dos roll-top",
            "Mochila con cierre enrollable",
            "卷顶双肩包",
        ),
        Decimal("129.00"),
        (),
        ("black", "olive", "sand"),
        1100,
        (480, 320, 150),
    ),
    Item(
        "TOT",
        (
            "Canvas Tote Bag",
            "Tragetasche aus Canvas",
            "Sac cabas en toile",
            "Bolsa de lona",
            "帆布手提袋",
        ),
        Decimal("19.95"),
        (),
        ("sand", "black"),
        250,
        (400, 380, 20),
    ),
    Item(
        "GFT",
        (
            "Gift Card Envelope",
            "Geschenkkarten-Umschlag",
            "Enveloppe carte cadeau",
            "Sobre para tarjeta regalo",
            "礼品卡信封",
        ),
        Decimal("2.50"),
        (),
        ("red",),
        20,
        (170, 120, 5),
        tax_category="reduced",
    ),
    Item(
        "PRK",
        (
            "Expedition Parka",
            "Expeditionsparka",
            "Parka d'expédition",
            "Parka de expedición",
            "远征派克大衣",
        ),
        Decimal("289.00"),
        CLOTHING,
        ("olive",),
        1800,
        (500, 400, 120),
    ),
    Item(
        "GLV",
        (
            "Merino Gloves",
            "Merino-Handschuhe",
            "Gants en mérinos",
            "Guantes de merino",
            "美利奴羊毛手套",
        ),
        Decimal("34.95"),
        (),
        ("grey",),
        120,
        (200, 120, 30),
    ),
)
"""The last two are the fulfilment demo's: the parka is a pre-order (released three weeks after
the load), the gloves are sold out and backordered (``oms.app.demo.fulfilment``)."""

DESCRIPTIONS = (
    "{name} from our everyday collection. Made to last, easy to care for, and designed in Hamburg.",
    "{name} aus unserer Alltagskollektion. Langlebig, pflegeleicht und in Hamburg entworfen.",
    "{name} de notre collection quotidienne. Conçu pour durer, facile d'entretien, "
    "dessiné à Hambourg.",
    "{name} de nuestra colección diaria. Hecho para durar, fácil de cuidar y diseñado en Hamburgo.",
    "{name}，来自我们的日常系列。经久耐用，易于护理，在汉堡设计。",
)

SIZE_NAMES = ("size", "Größe", "taille", "talla", "尺码")
COLOUR_NAMES = ("colour", "Farbe", "couleur", "color", "颜色")


def gtin13(body: str) -> str:
    """Append the GS1 mod-10 check digit to a 12-digit body."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def usd_price(eur: Decimal) -> Decimal:
    """The US marketplace price: about 8 % above EUR, ending in .99 (or .50 under 5)."""
    if eur < 5:
        return Decimal("2.99")
    return (eur * Decimal("1.08")).to_integral_value() - Decimal("0.01")


CATEGORIES: dict[str, str] = {
    "TSH": "Apparel > Tops",
    "HOD": "Apparel > Tops",
    "SWT": "Apparel > Knitwear",
    "JKT": "Apparel > Outerwear",
    "PRK": "Apparel > Outerwear",
    "CHN": "Apparel > Trousers",
    "JNS": "Apparel > Trousers",
    "DRS": "Apparel > Dresses",
    "SNK": "Footwear",
    "BOT": "Footwear",
    "SCK": "Accessories > Socks",
    "CAP": "Accessories > Headwear",
    "BNE": "Accessories > Headwear",
    "SCF": "Accessories > Scarves and gloves",
    "GLV": "Accessories > Scarves and gloves",
    "BPK": "Bags",
    "TOT": "Bags",
    "GFT": "Gift cards",
}
"""Where each product is filed (the categories report ranks them)."""
