"""The course's bibliography and glossary (notebook ``10_faq_references``).

``dlopt_helpers/references.bib`` (package data, installed with the package; ``BIB_PATH``) holds every
publication the notebooks cite; a notebook cites an entry by its key in square brackets, pandoc style
(``[@goyal2017]``). ``render`` formats the file with pybtex; ``cited_keys`` collects the citations of
notebooks (the tests check that each one exists). ``GLOSSARY`` is the bilingual glossary: English, 中文,
the notebook that introduces the term.
"""

from __future__ import annotations

import re
from pathlib import Path

from ._validation import Instance, InvalidParameterError, PathLike, Sequence, check, short_repr

__all__ = ["BIB_PATH", "load", "render", "cited_keys", "GLOSSARY", "glossary_markdown", "translate"]

BIB_PATH = Path(__file__).resolve().with_name("references.bib")  # package data: installed with the package
CITATION = re.compile(r"\[@([A-Za-z0-9_:-]+)\]")


def load(path: str | Path = BIB_PATH):
    """Parse a BibTeX file with pybtex.

    A path that is not an existing file, a file that does not parse (pybtex's message, with the line, is
    included) or a file without any entry raises ``InvalidParameterError`` (a ``ValueError``) naming ``path``.
    """
    from pybtex.database import parse_file
    from pybtex.exceptions import PybtexError

    if isinstance(path, bytes) or not isinstance(path, (str, Path)) or str(path) == "":
        raise InvalidParameterError(f"path must be an existing .bib file, got {short_repr(path)}")
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path must be an existing .bib file, got {str(path)!r}")
    try:
        database = parse_file(str(path), bib_format="bibtex")
    except (PybtexError, UnicodeDecodeError) as error:
        raise InvalidParameterError(
            f"path must be a BibTeX file that parses, got {str(path)!r}: {type(error).__name__}: {error}"
        ) from None
    if not database.entries:
        raise InvalidParameterError(
            f"path must be a BibTeX file with at least one entry (@article{{key, ...}}), got {str(path)!r} with none"
        )
    return database


def render(keys=None, path: str | Path = BIB_PATH) -> str:
    """The bibliography (or the ``keys`` given) as a Markdown list, formatted by pybtex's ``plain`` style."""
    import pybtex.plugin

    database = load(path)
    if keys is not None:
        keys = list(check("keys", keys, Sequence(Instance(str))))
        missing = sorted(set(keys) - set(database.entries))
        if missing:
            raise ValueError(f"keys must be entries of {Path(path).name}, got unknown {missing}")
        database = type(database)({key: database.entries[key] for key in keys})
    style = pybtex.plugin.find_plugin("pybtex.style.formatting", "plain")()
    backend = pybtex.plugin.find_plugin("pybtex.backends", "markdown")()
    lines = []
    for entry in style.format_bibliography(database):
        text = entry.text.render(backend).replace("\n", " ")
        lines.append(f"- **[{entry.key}]** {text}")
    return "\n".join(lines)


def cited_keys(notebook_paths) -> dict[str, set[str]]:
    """``{notebook name: {cited keys}}`` from the Markdown cells of the given notebooks (a list of paths)."""
    import nbformat

    paths = check("notebook_paths", notebook_paths, Sequence(PathLike(must_exist="file")))
    found = {}
    for i, path in enumerate(paths):
        try:
            notebook = nbformat.read(str(path), as_version=4)
        except Exception as error:
            raise InvalidParameterError(
                f"notebook_paths[{i}] must be a Jupyter notebook (.ipynb), got {str(path)!r}: {str(error)[:200]}"
            ) from None
        keys = set()
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                keys.update(CITATION.findall(cell.source))
        found[Path(path).stem] = keys
    return found


#: English, 中文, the notebook that introduces it
GLOSSARY: tuple[tuple[str, str, str], ...] = (
    ("activation function", "激活函数", "01"),
    ("all-reduce", "全归约", "06"),
    ("Amdahl's law", "阿姆达尔定律", "06"),
    ("attention", "注意力机制", "08"),
    ("autoencoder", "自编码器", "09"),
    ("batch size", "批量大小", "03"),
    ("bias (of a layer)", "偏置", "01"),
    ("convolutional neural network (CNN)", "卷积神经网络", "08"),
    ("cross-entropy", "交叉熵", "02"),
    ("data augmentation", "数据增强", "05"),
    ("data parallelism", "数据并行", "06"),
    ("differential privacy", "差分隐私", "09"),
    ("dropout", "随机失活", "04"),
    ("early stopping", "早停", "04"),
    ("elastic net", "弹性网络", "04"),
    ("epoch", "轮次", "03"),
    ("explainability", "可解释性", "09"),
    ("generalization", "泛化", "00"),
    ("gradient", "梯度", "01"),
    ("gradient descent", "梯度下降", "03"),
    ("grid search", "网格搜索", "07"),
    ("hyper-parameter", "超参数", "07"),
    ("integrated gradients", "积分梯度", "09"),
    ("L1 regularization (Lasso)", "L1 正则化（套索回归）", "04"),
    ("L2 regularization (Ridge)", "L2 正则化（岭回归）", "04"),
    ("learning rate", "学习率", "03"),
    ("learning-rate schedule", "学习率调度", "03"),
    ("logits", "对数几率（未归一化输出）", "02"),
    ("loss function", "损失函数", "02"),
    ("mean squared error (MSE)", "均方误差", "02"),
    ("mini-batch", "小批量", "03"),
    ("mixed precision", "混合精度", "06"),
    ("model choice", "模型选择", "08"),
    ("momentum", "动量", "03"),
    ("optimizer", "优化器", "03"),
    ("over-fitting", "过拟合", "04"),
    ("parallel computing", "并行计算", "06"),
    ("quantization", "量化", "09"),
    ("random search", "随机搜索", "07"),
    ("recurrent neural network (RNN)", "循环神经网络", "08"),
    ("regularization", "正则化", "04"),
    ("replica", "副本", "06"),
    ("rotation / flip / crop", "旋转 / 翻转 / 裁剪", "05"),
    ("saliency map", "显著图", "09"),
    ("self-supervised learning", "自监督学习", "09"),
    ("softmax", "softmax 归一化指数函数", "02"),
    ("stochastic gradient descent (SGD)", "随机梯度下降", "03"),
    ("test set", "测试集", "00"),
    ("training set", "训练集", "00"),
    ("translation equivariance", "平移等变性", "08"),
    ("validation set", "验证集", "00"),
    ("weight decay (decoupled, AdamW)", "权重衰减（解耦，AdamW）", "04"),
    ("weight sharing", "权值共享", "08"),
    ("vanishing gradients", "梯度消失", "03a"),
    ("exploding gradients", "梯度爆炸", "03a"),
    ("weight initialization", "权重初始化", "03a"),
    ("Glorot (Xavier) initialization", "Glorot（Xavier）初始化", "03a"),
    ("He (Kaiming) initialization", "He（Kaiming）初始化", "03a"),
    ("batch normalization", "批归一化", "03a"),
    ("layer normalization", "层归一化", "03a"),
    ("residual connection (skip connection)", "残差连接（跳跃连接）", "03a"),
    ("gradient clipping", "梯度裁剪", "03a"),
    ("gradient norm", "梯度范数", "03a"),
    ("warm-up (learning rate)", "学习率预热", "05a"),
    ("cosine decay", "余弦衰减", "05a"),
    ("1cycle policy", "单周期学习率策略", "05a"),
    ("reduce learning rate on plateau", "平台期降低学习率", "05a"),
    ("label smoothing", "标签平滑", "05a"),
    ("calibration (expected calibration error)", "校准（期望校准误差）", "05a"),
    ("mixup", "mixup 混合增强", "05a"),
    ("transfer learning", "迁移学习", "05a"),
    ("pre-training", "预训练", "05a"),
    ("fine-tuning", "微调", "05a"),
    ("frozen layers", "冻结层", "05a"),
    ("learning curve (against training-set size)", "学习曲线（随训练集大小）", "08a"),
    ("overfit one batch", "单批次过拟合检查", "08a"),
    ("scientific hyper-parameter", "科学超参数", "08a"),
    ("nuisance hyper-parameter", "冗余超参数", "08a"),
    ("fixed hyper-parameter", "固定超参数", "08a"),
    ("quasi-random search", "准随机搜索", "08a"),
    ("search space", "搜索空间", "08a"),
    ("winner's curse", "赢家诅咒", "08a"),
    # terms the Chinese edition settled on (each used the same way in every chapter)
    ("lever (of optimization)", "手段", "00"),
    ("running example", "贯穿全课程的示例", "00"),
    ("confidence interval (95 %)", "置信区间（95%）", "00"),
    ("one-hot encoding", "独热编码", "02"),
    ("negative log-likelihood", "负对数似然", "02"),
    ("log-sum-exp trick", "log-sum-exp 技巧", "02"),
    ("bias correction (Adam)", "偏差校正", "03"),
    ("loss surface", "损失曲面", "03"),
    ("cross-validation", "交叉验证", "04"),
    ("nested cross-validation", "嵌套交叉验证", "04"),
    ("pipeline (scikit-learn)", "流水线", "04"),
    ("soft thresholding", "软阈值", "04"),
    ("coordinate descent", "坐标下降", "04"),
    ("closed-form solution", "闭式解", "04"),
    ("regularization path", "正则化路径", "04"),
    ("shear", "错切", "05"),
    ("homogeneous coordinates", "齐次坐标", "05"),
    ("bilinear interpolation", "双线性插值", "05"),
    ("speed-up", "加速比", "06"),
    ("input pipeline (tf.data)", "输入流水线", "06"),
    ("prefetch", "预取", "06"),
    ("learning-rate range test", "学习率范围测试", "07"),
    ("linear scaling rule", "线性缩放规则", "07"),
    ("pruning (of trials, of weights)", "剪枝", "07"),
    ("heat map", "热力图", "07"),
    ("stride", "步幅", "08"),
    ("global pooling", "全局池化", "08"),
    ("chance level", "随机猜测水平", "08a"),
    ("post-training quantization", "训练后量化", "09"),
    ("knowledge distillation", "知识蒸馏", "09"),
    ("linear probe", "线性探测", "09"),
    ("privacy budget (ε)", "隐私预算", "09"),
    ("per-example clipping", "逐样本裁剪", "09"),
)


def glossary_markdown() -> str:
    """The glossary as a Markdown table, sorted by the English term."""
    rows = ["| English | 中文 | introduced in |", "|---|---|---|"]
    for english, chinese, notebook in sorted(GLOSSARY, key=lambda row: row[0].lower()):
        rows.append(f"| {english} | {chinese} | notebook {notebook} |")
    return "\n".join(rows)


def translate(term: str) -> str:
    """English ↔ 中文: the other side of a glossary entry (exact match, case-insensitive for English)."""
    if not isinstance(term, str) or not term.strip():
        raise ValueError(f"term must be a non-empty string, got {term!r}")
    wanted = term.strip().lower()
    for english, chinese, _ in GLOSSARY:
        if english.lower() == wanted:
            return chinese
        if chinese == term.strip():
            return english
    raise ValueError(f"term must be in the glossary (dh.references.GLOSSARY), got {term!r}")
