// Built by action/build.ts (deno task build:action); do not edit.
import { createRequire as __cordonCreateRequire } from "node:module";
const require = __cordonCreateRequire(import.meta.url);
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __require = /* @__PURE__ */ ((x) => typeof require !== "undefined" ? require : typeof Proxy !== "undefined" ? new Proxy(x, {
  get: (a, b) => (typeof require !== "undefined" ? require : a)[b]
}) : x)(function(x) {
  if (typeof require !== "undefined") return require.apply(this, arguments);
  throw Error('Dynamic require of "' + x + '" is not supported');
});
var __commonJS = (cb, mod) => function __require2() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// npm/yaml/2.9.1/dist/nodes/identity.js
var require_identity = __commonJS({
  "npm/yaml/2.9.1/dist/nodes/identity.js"(exports) {
    "use strict";
    var ALIAS = /* @__PURE__ */ Symbol.for("yaml.alias");
    var DOC = /* @__PURE__ */ Symbol.for("yaml.document");
    var MAP = /* @__PURE__ */ Symbol.for("yaml.map");
    var PAIR = /* @__PURE__ */ Symbol.for("yaml.pair");
    var SCALAR = /* @__PURE__ */ Symbol.for("yaml.scalar");
    var SEQ = /* @__PURE__ */ Symbol.for("yaml.seq");
    var NODE_TYPE = /* @__PURE__ */ Symbol.for("yaml.node.type");
    var isAlias2 = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === ALIAS;
    var isDocument = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === DOC;
    var isMap2 = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === MAP;
    var isPair2 = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === PAIR;
    var isScalar2 = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === SCALAR;
    var isSeq2 = (node) => !!node && typeof node === "object" && node[NODE_TYPE] === SEQ;
    function isCollection(node) {
      if (node && typeof node === "object")
        switch (node[NODE_TYPE]) {
          case MAP:
          case SEQ:
            return true;
        }
      return false;
    }
    function isNode(node) {
      if (node && typeof node === "object")
        switch (node[NODE_TYPE]) {
          case ALIAS:
          case MAP:
          case SCALAR:
          case SEQ:
            return true;
        }
      return false;
    }
    var hasAnchor = (node) => (isScalar2(node) || isCollection(node)) && !!node.anchor;
    exports.ALIAS = ALIAS;
    exports.DOC = DOC;
    exports.MAP = MAP;
    exports.NODE_TYPE = NODE_TYPE;
    exports.PAIR = PAIR;
    exports.SCALAR = SCALAR;
    exports.SEQ = SEQ;
    exports.hasAnchor = hasAnchor;
    exports.isAlias = isAlias2;
    exports.isCollection = isCollection;
    exports.isDocument = isDocument;
    exports.isMap = isMap2;
    exports.isNode = isNode;
    exports.isPair = isPair2;
    exports.isScalar = isScalar2;
    exports.isSeq = isSeq2;
  }
});

// npm/yaml/2.9.1/dist/visit.js
var require_visit = __commonJS({
  "npm/yaml/2.9.1/dist/visit.js"(exports) {
    "use strict";
    var identity = require_identity();
    var BREAK = /* @__PURE__ */ Symbol("break visit");
    var SKIP = /* @__PURE__ */ Symbol("skip children");
    var REMOVE = /* @__PURE__ */ Symbol("remove node");
    function visit(node, visitor) {
      const visitor_ = initVisitor(visitor);
      if (identity.isDocument(node)) {
        const cd = visit_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
          node.contents = null;
      } else
        visit_(null, node, visitor_, Object.freeze([]));
    }
    visit.BREAK = BREAK;
    visit.SKIP = SKIP;
    visit.REMOVE = REMOVE;
    function visit_(key, node, visitor, path) {
      const ctrl = callVisitor(key, node, visitor, path);
      if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visit_(key, ctrl, visitor, path);
      }
      if (typeof ctrl !== "symbol") {
        if (identity.isCollection(node)) {
          path = Object.freeze(path.concat(node));
          for (let i = 0; i < node.items.length; ++i) {
            const ci = visit_(i, node.items[i], visitor, path);
            if (typeof ci === "number")
              i = ci - 1;
            else if (ci === BREAK)
              return BREAK;
            else if (ci === REMOVE) {
              node.items.splice(i, 1);
              i -= 1;
            }
          }
        } else if (identity.isPair(node)) {
          path = Object.freeze(path.concat(node));
          const ck = visit_("key", node.key, visitor, path);
          if (ck === BREAK)
            return BREAK;
          else if (ck === REMOVE)
            node.key = null;
          const cv = visit_("value", node.value, visitor, path);
          if (cv === BREAK)
            return BREAK;
          else if (cv === REMOVE)
            node.value = null;
        }
      }
      return ctrl;
    }
    async function visitAsync(node, visitor) {
      const visitor_ = initVisitor(visitor);
      if (identity.isDocument(node)) {
        const cd = await visitAsync_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
          node.contents = null;
      } else
        await visitAsync_(null, node, visitor_, Object.freeze([]));
    }
    visitAsync.BREAK = BREAK;
    visitAsync.SKIP = SKIP;
    visitAsync.REMOVE = REMOVE;
    async function visitAsync_(key, node, visitor, path) {
      const ctrl = await callVisitor(key, node, visitor, path);
      if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visitAsync_(key, ctrl, visitor, path);
      }
      if (typeof ctrl !== "symbol") {
        if (identity.isCollection(node)) {
          path = Object.freeze(path.concat(node));
          for (let i = 0; i < node.items.length; ++i) {
            const ci = await visitAsync_(i, node.items[i], visitor, path);
            if (typeof ci === "number")
              i = ci - 1;
            else if (ci === BREAK)
              return BREAK;
            else if (ci === REMOVE) {
              node.items.splice(i, 1);
              i -= 1;
            }
          }
        } else if (identity.isPair(node)) {
          path = Object.freeze(path.concat(node));
          const ck = await visitAsync_("key", node.key, visitor, path);
          if (ck === BREAK)
            return BREAK;
          else if (ck === REMOVE)
            node.key = null;
          const cv = await visitAsync_("value", node.value, visitor, path);
          if (cv === BREAK)
            return BREAK;
          else if (cv === REMOVE)
            node.value = null;
        }
      }
      return ctrl;
    }
    function initVisitor(visitor) {
      if (typeof visitor === "object" && (visitor.Collection || visitor.Node || visitor.Value)) {
        return Object.assign({
          Alias: visitor.Node,
          Map: visitor.Node,
          Scalar: visitor.Node,
          Seq: visitor.Node
        }, visitor.Value && {
          Map: visitor.Value,
          Scalar: visitor.Value,
          Seq: visitor.Value
        }, visitor.Collection && {
          Map: visitor.Collection,
          Seq: visitor.Collection
        }, visitor);
      }
      return visitor;
    }
    function callVisitor(key, node, visitor, path) {
      if (typeof visitor === "function")
        return visitor(key, node, path);
      if (identity.isMap(node))
        return visitor.Map?.(key, node, path);
      if (identity.isSeq(node))
        return visitor.Seq?.(key, node, path);
      if (identity.isPair(node))
        return visitor.Pair?.(key, node, path);
      if (identity.isScalar(node))
        return visitor.Scalar?.(key, node, path);
      if (identity.isAlias(node))
        return visitor.Alias?.(key, node, path);
      return void 0;
    }
    function replaceNode(key, path, node) {
      const parent = path[path.length - 1];
      if (identity.isCollection(parent)) {
        parent.items[key] = node;
      } else if (identity.isPair(parent)) {
        if (key === "key")
          parent.key = node;
        else
          parent.value = node;
      } else if (identity.isDocument(parent)) {
        parent.contents = node;
      } else {
        const pt = identity.isAlias(parent) ? "alias" : "scalar";
        throw new Error(`Cannot replace node with ${pt} parent`);
      }
    }
    exports.visit = visit;
    exports.visitAsync = visitAsync;
  }
});

// npm/yaml/2.9.1/dist/doc/directives.js
var require_directives = __commonJS({
  "npm/yaml/2.9.1/dist/doc/directives.js"(exports) {
    "use strict";
    var identity = require_identity();
    var visit = require_visit();
    var escapeChars = {
      "!": "%21",
      ",": "%2C",
      "[": "%5B",
      "]": "%5D",
      "{": "%7B",
      "}": "%7D"
    };
    var escapeTagName = (tn) => tn.replace(/[!,[\]{}]/g, (ch) => escapeChars[ch]);
    var Directives = class _Directives {
      constructor(yaml, tags) {
        this.docStart = null;
        this.docEnd = false;
        this.yaml = Object.assign({}, _Directives.defaultYaml, yaml);
        this.tags = Object.assign({}, _Directives.defaultTags, tags);
      }
      clone() {
        const copy = new _Directives(this.yaml, this.tags);
        copy.docStart = this.docStart;
        return copy;
      }
      /**
       * During parsing, get a Directives instance for the current document and
       * update the stream state according to the current version's spec.
       */
      atDocument() {
        const res = new _Directives(this.yaml, this.tags);
        switch (this.yaml.version) {
          case "1.1":
            this.atNextDocument = true;
            break;
          case "1.2":
            this.atNextDocument = false;
            this.yaml = {
              explicit: _Directives.defaultYaml.explicit,
              version: "1.2"
            };
            this.tags = Object.assign({}, _Directives.defaultTags);
            break;
        }
        return res;
      }
      /**
       * @param onError - May be called even if the action was successful
       * @returns `true` on success
       */
      add(line, onError) {
        if (this.atNextDocument) {
          this.yaml = { explicit: _Directives.defaultYaml.explicit, version: "1.1" };
          this.tags = Object.assign({}, _Directives.defaultTags);
          this.atNextDocument = false;
        }
        const parts = line.trim().split(/[ \t]+/);
        const name = parts.shift();
        switch (name) {
          case "%TAG": {
            if (parts.length !== 2) {
              onError(0, "%TAG directive should contain exactly two parts");
              if (parts.length < 2)
                return false;
            }
            const [handle, prefix] = parts;
            this.tags[handle] = prefix;
            return true;
          }
          case "%YAML": {
            this.yaml.explicit = true;
            if (parts.length !== 1) {
              onError(0, "%YAML directive should contain exactly one part");
              return false;
            }
            const [version] = parts;
            if (version === "1.1" || version === "1.2") {
              this.yaml.version = version;
              return true;
            } else {
              const isValid = /^\d+\.\d+$/.test(version);
              onError(6, `Unsupported YAML version ${version}`, isValid);
              return false;
            }
          }
          default:
            onError(0, `Unknown directive ${name}`, true);
            return false;
        }
      }
      /**
       * Resolves a tag, matching handles to those defined in %TAG directives.
       *
       * @returns Resolved tag, which may also be the non-specific tag `'!'` or a
       *   `'!local'` tag, or `null` if unresolvable.
       */
      tagName(source, onError) {
        if (source === "!")
          return "!";
        if (source[0] !== "!") {
          onError(`Not a valid tag: ${source}`);
          return null;
        }
        if (source[1] === "<") {
          const verbatim = source.slice(2, -1);
          if (verbatim === "!" || verbatim === "!!") {
            onError(`Verbatim tags aren't resolved, so ${source} is invalid.`);
            return null;
          }
          if (source[source.length - 1] !== ">")
            onError("Verbatim tags must end with a >");
          return verbatim;
        }
        const [, handle, suffix] = source.match(/^(.*!)([^!]*)$/s);
        if (!suffix)
          onError(`The ${source} tag has no suffix`);
        const prefix = this.tags[handle];
        if (prefix) {
          try {
            return prefix + decodeURIComponent(suffix);
          } catch (error) {
            onError(String(error));
            return null;
          }
        }
        if (handle === "!")
          return source;
        onError(`Could not resolve tag: ${source}`);
        return null;
      }
      /**
       * Given a fully resolved tag, returns its printable string form,
       * taking into account current tag prefixes and defaults.
       */
      tagString(tag) {
        for (const [handle, prefix] of Object.entries(this.tags)) {
          if (tag.startsWith(prefix))
            return handle + escapeTagName(tag.substring(prefix.length));
        }
        return tag[0] === "!" ? tag : `!<${tag}>`;
      }
      toString(doc) {
        const lines = this.yaml.explicit ? [`%YAML ${this.yaml.version || "1.2"}`] : [];
        const tagEntries = Object.entries(this.tags);
        let tagNames;
        if (doc && tagEntries.length > 0 && identity.isNode(doc.contents)) {
          const tags = {};
          visit.visit(doc.contents, (_key, node) => {
            if (identity.isNode(node) && node.tag)
              tags[node.tag] = true;
          });
          tagNames = Object.keys(tags);
        } else
          tagNames = [];
        for (const [handle, prefix] of tagEntries) {
          if (handle === "!!" && prefix === "tag:yaml.org,2002:")
            continue;
          if (!doc || tagNames.some((tn) => tn.startsWith(prefix)))
            lines.push(`%TAG ${handle} ${prefix}`);
        }
        return lines.join("\n");
      }
    };
    Directives.defaultYaml = { explicit: false, version: "1.2" };
    Directives.defaultTags = { "!!": "tag:yaml.org,2002:" };
    exports.Directives = Directives;
  }
});

// npm/yaml/2.9.1/dist/doc/anchors.js
var require_anchors = __commonJS({
  "npm/yaml/2.9.1/dist/doc/anchors.js"(exports) {
    "use strict";
    var identity = require_identity();
    var visit = require_visit();
    function anchorIsValid(anchor) {
      if (/[\x00-\x19\s,[\]{}]/.test(anchor)) {
        const sa = JSON.stringify(anchor);
        const msg = `Anchor must not contain whitespace or control characters: ${sa}`;
        throw new Error(msg);
      }
      return true;
    }
    function anchorNames(root) {
      const anchors = /* @__PURE__ */ new Set();
      visit.visit(root, {
        Value(_key, node) {
          if (node.anchor)
            anchors.add(node.anchor);
        }
      });
      return anchors;
    }
    function findNewAnchor(prefix, exclude) {
      for (let i = 1; true; ++i) {
        const name = `${prefix}${i}`;
        if (!exclude.has(name))
          return name;
      }
    }
    function createNodeAnchors(doc, prefix) {
      const aliasObjects = [];
      const sourceObjects = /* @__PURE__ */ new Map();
      let prevAnchors = null;
      return {
        onAnchor: (source) => {
          aliasObjects.push(source);
          prevAnchors ?? (prevAnchors = anchorNames(doc));
          const anchor = findNewAnchor(prefix, prevAnchors);
          prevAnchors.add(anchor);
          return anchor;
        },
        /**
         * With circular references, the source node is only resolved after all
         * of its child nodes are. This is why anchors are set only after all of
         * the nodes have been created.
         */
        setAnchors: () => {
          for (const source of aliasObjects) {
            const ref = sourceObjects.get(source);
            if (typeof ref === "object" && ref.anchor && (identity.isScalar(ref.node) || identity.isCollection(ref.node))) {
              ref.node.anchor = ref.anchor;
            } else {
              const error = new Error("Failed to resolve repeated object (this should not happen)");
              error.source = source;
              throw error;
            }
          }
        },
        sourceObjects
      };
    }
    exports.anchorIsValid = anchorIsValid;
    exports.anchorNames = anchorNames;
    exports.createNodeAnchors = createNodeAnchors;
    exports.findNewAnchor = findNewAnchor;
  }
});

// npm/yaml/2.9.1/dist/doc/applyReviver.js
var require_applyReviver = __commonJS({
  "npm/yaml/2.9.1/dist/doc/applyReviver.js"(exports) {
    "use strict";
    function applyReviver(reviver, obj, key, val) {
      if (val && typeof val === "object") {
        if (Array.isArray(val)) {
          for (let i = 0, len = val.length; i < len; ++i) {
            const v0 = val[i];
            const v1 = applyReviver(reviver, val, String(i), v0);
            if (v1 === void 0)
              delete val[i];
            else if (v1 !== v0)
              val[i] = v1;
          }
        } else if (val instanceof Map) {
          for (const k of Array.from(val.keys())) {
            const v0 = val.get(k);
            const v1 = applyReviver(reviver, val, k, v0);
            if (v1 === void 0)
              val.delete(k);
            else if (v1 !== v0)
              val.set(k, v1);
          }
        } else if (val instanceof Set) {
          for (const v0 of Array.from(val)) {
            const v1 = applyReviver(reviver, val, v0, v0);
            if (v1 === void 0)
              val.delete(v0);
            else if (v1 !== v0) {
              val.delete(v0);
              val.add(v1);
            }
          }
        } else {
          for (const [k, v0] of Object.entries(val)) {
            const v1 = applyReviver(reviver, val, k, v0);
            if (v1 === void 0)
              delete val[k];
            else if (v1 !== v0)
              val[k] = v1;
          }
        }
      }
      return reviver.call(obj, key, val);
    }
    exports.applyReviver = applyReviver;
  }
});

// npm/yaml/2.9.1/dist/nodes/toJS.js
var require_toJS = __commonJS({
  "npm/yaml/2.9.1/dist/nodes/toJS.js"(exports) {
    "use strict";
    var identity = require_identity();
    function toJS(value, arg, ctx) {
      if (Array.isArray(value))
        return value.map((v, i) => toJS(v, String(i), ctx));
      if (value && typeof value.toJSON === "function") {
        if (!ctx || !identity.hasAnchor(value))
          return value.toJSON(arg, ctx);
        const data = { aliasCount: 0, count: 1, res: void 0 };
        ctx.anchors.set(value, data);
        ctx.onCreate = (res2) => {
          data.res = res2;
          delete ctx.onCreate;
        };
        const res = value.toJSON(arg, ctx);
        if (ctx.onCreate)
          ctx.onCreate(res);
        return res;
      }
      if (typeof value === "bigint" && !ctx?.keep)
        return Number(value);
      return value;
    }
    exports.toJS = toJS;
  }
});

// npm/yaml/2.9.1/dist/nodes/Node.js
var require_Node = __commonJS({
  "npm/yaml/2.9.1/dist/nodes/Node.js"(exports) {
    "use strict";
    var applyReviver = require_applyReviver();
    var identity = require_identity();
    var toJS = require_toJS();
    var NodeBase = class {
      constructor(type) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: type });
      }
      /** Create a copy of this node.  */
      clone() {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (this.range)
          copy.range = this.range.slice();
        return copy;
      }
      /** A plain JavaScript representation of this node. */
      toJS(doc, { mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        if (!identity.isDocument(doc))
          throw new TypeError("A document argument is required");
        const ctx = {
          anchors: /* @__PURE__ */ new Map(),
          doc,
          keep: true,
          mapAsMap: mapAsMap === true,
          mapKeyWarned: false,
          maxAliasCount: typeof maxAliasCount === "number" ? maxAliasCount : 100
        };
        const res = toJS.toJS(this, "", ctx);
        if (typeof onAnchor === "function")
          for (const { count, res: res2 } of ctx.anchors.values())
            onAnchor(res2, count);
        return typeof reviver === "function" ? applyReviver.applyReviver(reviver, { "": res }, "", res) : res;
      }
    };
    exports.NodeBase = NodeBase;
  }
});

// npm/yaml/2.9.1/dist/nodes/Alias.js
var require_Alias = __commonJS({
  "npm/yaml/2.9.1/dist/nodes/Alias.js"(exports) {
    "use strict";
    var anchors = require_anchors();
    var visit = require_visit();
    var identity = require_identity();
    var Node = require_Node();
    var toJS = require_toJS();
    var Alias = class extends Node.NodeBase {
      constructor(source) {
        super(identity.ALIAS);
        this.source = source;
        Object.defineProperty(this, "tag", {
          set() {
            throw new Error("Alias nodes cannot have tags");
          }
        });
      }
      /**
       * Resolve the value of this alias within `doc`, finding the last
       * instance of the `source` anchor before this node.
       */
      resolve(doc, ctx) {
        if (ctx?.maxAliasCount === 0)
          throw new ReferenceError("Alias resolution is disabled");
        let nodes;
        if (ctx?.aliasResolveCache) {
          nodes = ctx.aliasResolveCache;
        } else {
          nodes = [];
          visit.visit(doc, {
            Node: (_key, node) => {
              if (identity.isAlias(node) || identity.hasAnchor(node))
                nodes.push(node);
            }
          });
          if (ctx)
            ctx.aliasResolveCache = nodes;
        }
        let found = void 0;
        for (const node of nodes) {
          if (node === this)
            break;
          if (node.anchor === this.source)
            found = node;
        }
        if (found && ctx) {
          const { anchors: anchors2, doc: doc2, maxAliasCount } = ctx;
          let data = anchors2.get(found);
          if (!data) {
            toJS.toJS(found, null, ctx);
            data = anchors2.get(found);
          }
          if (data?.res === void 0) {
            const msg = "This should not happen: Alias anchor was not resolved?";
            throw new ReferenceError(msg);
          }
          if (maxAliasCount >= 0) {
            data.count += 1;
            if (data.aliasCount === 0)
              data.aliasCount = getAliasCount(doc2, found, anchors2);
            if (data.count * data.aliasCount > maxAliasCount) {
              const msg = "Excessive alias count indicates a resource exhaustion attack";
              throw new ReferenceError(msg);
            }
          }
        }
        return found;
      }
      toJSON(_arg, ctx) {
        if (!ctx)
          return { source: this.source };
        const source = this.resolve(ctx.doc, ctx);
        if (!source) {
          const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
          throw new ReferenceError(msg);
        }
        return ctx.anchors.get(source).res;
      }
      toString(ctx, _onComment, _onChompKeep) {
        const src = `*${this.source}`;
        if (ctx) {
          anchors.anchorIsValid(this.source);
          if (ctx.options.verifyAliasOrder && !ctx.anchors.has(this.source)) {
            const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
            throw new Error(msg);
          }
          if (ctx.implicitKey)
            return `${src} `;
        }
        return src;
      }
    };
    function getAliasCount(doc, node, anchors2) {
      if (identity.isAlias(node)) {
        const source = node.resolve(doc);
        const anchor = anchors2 && source && anchors2.get(source);
        return anchor ? anchor.count * anchor.aliasCount : 0;
      } else if (identity.isCollection(node)) {
        let count = 0;
        for (const item of node.items) {
          const c = getAliasCount(doc, item, anchors2);
          if (c > count)
            count = c;
        }
        return count;
      } else if (identity.isPair(node)) {
        const kc = getAliasCount(doc, node.key, anchors2);
        const vc = getAliasCount(doc, node.value, anchors2);
        return Math.max(kc, vc);
      }
      return 1;
    }
    exports.Alias = Alias;
  }
});

// npm/yaml/2.9.1/dist/nodes/Scalar.js
var require_Scalar = __commonJS({
  "npm/yaml/2.9.1/dist/nodes/Scalar.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Node = require_Node();
    var toJS = require_toJS();
    var isScalarValue = (value) => !value || typeof value !== "function" && typeof value !== "object";
    var Scalar = class extends Node.NodeBase {
      constructor(value) {
        super(identity.SCALAR);
        this.value = value;
      }
      toJSON(arg, ctx) {
        return ctx?.keep ? this.value : toJS.toJS(this.value, arg, ctx);
      }
      toString() {
        return String(this.value);
      }
    };
    Scalar.BLOCK_FOLDED = "BLOCK_FOLDED";
    Scalar.BLOCK_LITERAL = "BLOCK_LITERAL";
    Scalar.PLAIN = "PLAIN";
    Scalar.QUOTE_DOUBLE = "QUOTE_DOUBLE";
    Scalar.QUOTE_SINGLE = "QUOTE_SINGLE";
    exports.Scalar = Scalar;
    exports.isScalarValue = isScalarValue;
  }
});

// npm/yaml/2.9.1/dist/doc/createNode.js
var require_createNode = __commonJS({
  "npm/yaml/2.9.1/dist/doc/createNode.js"(exports) {
    "use strict";
    var Alias = require_Alias();
    var identity = require_identity();
    var Scalar = require_Scalar();
    var defaultTagPrefix = "tag:yaml.org,2002:";
    function findTagObject(value, tagName, tags) {
      if (tagName) {
        const match = tags.filter((t) => t.tag === tagName);
        const tagObj = match.find((t) => !t.format) ?? match[0];
        if (!tagObj)
          throw new Error(`Tag ${tagName} not found`);
        return tagObj;
      }
      return tags.find((t) => t.identify?.(value) && !t.format);
    }
    function createNode(value, tagName, ctx) {
      if (identity.isDocument(value))
        value = value.contents;
      if (identity.isNode(value))
        return value;
      if (identity.isPair(value)) {
        const map = ctx.schema[identity.MAP].createNode?.(ctx.schema, null, ctx);
        map.items.push(value);
        return map;
      }
      if (value instanceof String || value instanceof Number || value instanceof Boolean || typeof BigInt !== "undefined" && value instanceof BigInt) {
        value = value.valueOf();
      }
      const { aliasDuplicateObjects, onAnchor, onTagObj, schema, sourceObjects } = ctx;
      let ref = void 0;
      if (aliasDuplicateObjects && value && typeof value === "object") {
        ref = sourceObjects.get(value);
        if (ref) {
          ref.anchor ?? (ref.anchor = onAnchor(value));
          return new Alias.Alias(ref.anchor);
        } else {
          ref = { anchor: null, node: null };
          sourceObjects.set(value, ref);
        }
      }
      if (tagName?.startsWith("!!"))
        tagName = defaultTagPrefix + tagName.slice(2);
      let tagObj = findTagObject(value, tagName, schema.tags);
      if (!tagObj) {
        if (value && typeof value.toJSON === "function") {
          value = value.toJSON();
        }
        if (!value || typeof value !== "object") {
          const node2 = new Scalar.Scalar(value);
          if (ref)
            ref.node = node2;
          return node2;
        }
        tagObj = value instanceof Map ? schema[identity.MAP] : Symbol.iterator in Object(value) ? schema[identity.SEQ] : schema[identity.MAP];
      }
      if (onTagObj) {
        onTagObj(tagObj);
        delete ctx.onTagObj;
      }
      const node = tagObj?.createNode ? tagObj.createNode(ctx.schema, value, ctx) : typeof tagObj?.nodeClass?.from === "function" ? tagObj.nodeClass.from(ctx.schema, value, ctx) : new Scalar.Scalar(value);
      if (tagName)
        node.tag = tagName;
      else if (!tagObj.default)
        node.tag = tagObj.tag;
      if (ref)
        ref.node = node;
      return node;
    }
    exports.createNode = createNode;
  }
});

// npm/yaml/2.9.1/dist/nodes/Collection.js
var require_Collection = __commonJS({
  "npm/yaml/2.9.1/dist/nodes/Collection.js"(exports) {
    "use strict";
    var createNode = require_createNode();
    var identity = require_identity();
    var Node = require_Node();
    function collectionFromPath(schema, path, value) {
      let v = value;
      for (let i = path.length - 1; i >= 0; --i) {
        const k = path[i];
        if (typeof k === "number" && Number.isInteger(k) && k >= 0) {
          const a = [];
          a[k] = v;
          v = a;
        } else {
          v = /* @__PURE__ */ new Map([[k, v]]);
        }
      }
      return createNode.createNode(v, void 0, {
        aliasDuplicateObjects: false,
        keepUndefined: false,
        onAnchor: () => {
          throw new Error("This should not happen, please report a bug.");
        },
        schema,
        sourceObjects: /* @__PURE__ */ new Map()
      });
    }
    var isEmptyPath = (path) => path == null || typeof path === "object" && !!path[Symbol.iterator]().next().done;
    var Collection = class extends Node.NodeBase {
      constructor(type, schema) {
        super(type);
        Object.defineProperty(this, "schema", {
          value: schema,
          configurable: true,
          enumerable: false,
          writable: true
        });
      }
      /**
       * Create a copy of this collection.
       *
       * @param schema - If defined, overwrites the original's schema
       */
      clone(schema) {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (schema)
          copy.schema = schema;
        copy.items = copy.items.map((it) => identity.isNode(it) || identity.isPair(it) ? it.clone(schema) : it);
        if (this.range)
          copy.range = this.range.slice();
        return copy;
      }
      /**
       * Adds a value to the collection. For `!!map` and `!!omap` the value must
       * be a Pair instance or a `{ key, value }` object, which may not have a key
       * that already exists in the map.
       */
      addIn(path, value) {
        if (isEmptyPath(path))
          this.add(value);
        else {
          const [key, ...rest] = path;
          const node = this.get(key, true);
          if (identity.isCollection(node))
            node.addIn(rest, value);
          else if (node === void 0 && this.schema)
            this.set(key, collectionFromPath(this.schema, rest, value));
          else
            throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
      }
      /**
       * Removes a value from the collection.
       * @returns `true` if the item was found and removed.
       */
      deleteIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
          return this.delete(key);
        const node = this.get(key, true);
        if (identity.isCollection(node))
          return node.deleteIn(rest);
        else
          throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
      }
      /**
       * Returns item at `key`, or `undefined` if not found. By default unwraps
       * scalar values from their surrounding node; to disable set `keepScalar` to
       * `true` (collections are always returned intact).
       */
      getIn(path, keepScalar) {
        const [key, ...rest] = path;
        const node = this.get(key, true);
        if (rest.length === 0)
          return !keepScalar && identity.isScalar(node) ? node.value : node;
        else
          return identity.isCollection(node) ? node.getIn(rest, keepScalar) : void 0;
      }
      hasAllNullValues(allowScalar) {
        return this.items.every((node) => {
          if (!identity.isPair(node))
            return false;
          const n = node.value;
          return n == null || allowScalar && identity.isScalar(n) && n.value == null && !n.commentBefore && !n.comment && !n.tag;
        });
      }
      /**
       * Checks if the collection includes a value with the key `key`.
       */
      hasIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
          return this.has(key);
        const node = this.get(key, true);
        return identity.isCollection(node) ? node.hasIn(rest) : false;
      }
      /**
       * Sets a value in this collection. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       */
      setIn(path, value) {
        const [key, ...rest] = path;
        if (rest.length === 0) {
          this.set(key, value);
        } else {
          const node = this.get(key, true);
          if (identity.isCollection(node))
            node.setIn(rest, value);
          else if (node === void 0 && this.schema)
            this.set(key, collectionFromPath(this.schema, rest, value));
          else
            throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
      }
    };
    exports.Collection = Collection;
    exports.collectionFromPath = collectionFromPath;
    exports.isEmptyPath = isEmptyPath;
  }
});

// npm/yaml/2.9.1/dist/stringify/stringifyComment.js
var require_stringifyComment = __commonJS({
  "npm/yaml/2.9.1/dist/stringify/stringifyComment.js"(exports) {
    "use strict";
    var stringifyComment = (str3) => str3.replace(/^(?!$)(?: $)?/gm, "#");
    function indentComment(comment, indent) {
      if (/^\n+$/.test(comment))
        return comment.substring(1);
      return indent ? comment.replace(/^(?! *$)/gm, indent) : comment;
    }
    var lineComment = (str3, indent, comment) => str3.endsWith("\n") ? indentComment(comment, indent) : comment.includes("\n") ? "\n" + indentComment(comment, indent) : (str3.endsWith(" ") ? "" : " ") + comment;
    exports.indentComment = indentComment;
    exports.lineComment = lineComment;
    exports.stringifyComment = stringifyComment;
  }
});

// npm/yaml/2.9.1/dist/stringify/foldFlowLines.js
var require_foldFlowLines = __commonJS({
  "npm/yaml/2.9.1/dist/stringify/foldFlowLines.js"(exports) {
    "use strict";
    var FOLD_FLOW = "flow";
    var FOLD_BLOCK = "block";
    var FOLD_QUOTED = "quoted";
    function foldFlowLines(text, indent, mode = "flow", { indentAtStart, lineWidth = 80, minContentWidth = 20, onFold, onOverflow } = {}) {
      if (!lineWidth || lineWidth < 0)
        return text;
      if (lineWidth < minContentWidth)
        minContentWidth = 0;
      const endStep = Math.max(1 + minContentWidth, 1 + lineWidth - indent.length);
      if (text.length <= endStep)
        return text;
      const folds = [];
      const escapedFolds = {};
      let end = lineWidth - indent.length;
      if (typeof indentAtStart === "number") {
        if (indentAtStart > lineWidth - Math.max(2, minContentWidth))
          folds.push(0);
        else
          end = lineWidth - indentAtStart;
      }
      let split = void 0;
      let prev = void 0;
      let overflow = false;
      let i = -1;
      let escStart = -1;
      let escEnd = -1;
      if (mode === FOLD_BLOCK) {
        i = consumeMoreIndentedLines(text, i, indent.length);
        if (i !== -1)
          end = i + endStep;
      }
      for (let ch; ch = text[i += 1]; ) {
        if (mode === FOLD_QUOTED && ch === "\\") {
          escStart = i;
          switch (text[i + 1]) {
            case "x":
              i += 3;
              break;
            case "u":
              i += 5;
              break;
            case "U":
              i += 9;
              break;
            default:
              i += 1;
          }
          escEnd = i;
        }
        if (ch === "\n") {
          if (mode === FOLD_BLOCK)
            i = consumeMoreIndentedLines(text, i, indent.length);
          end = i + indent.length + endStep;
          split = void 0;
        } else {
          if (ch === " " && prev && prev !== " " && prev !== "\n" && prev !== "	") {
            const next = text[i + 1];
            if (next && next !== " " && next !== "\n" && next !== "	")
              split = i;
          }
          if (i >= end) {
            if (split) {
              folds.push(split);
              end = split + endStep;
              split = void 0;
            } else if (mode === FOLD_QUOTED) {
              while (prev === " " || prev === "	") {
                prev = ch;
                ch = text[i += 1];
                overflow = true;
              }
              const j = i > escEnd + 1 ? i - 2 : escStart - 1;
              if (escapedFolds[j])
                return text;
              folds.push(j);
              escapedFolds[j] = true;
              end = j + endStep;
              split = void 0;
            } else {
              overflow = true;
            }
          }
        }
        prev = ch;
      }
      if (overflow && onOverflow)
        onOverflow();
      if (folds.length === 0)
        return text;
      if (onFold)
        onFold();
      let res = text.slice(0, folds[0]);
      for (let i2 = 0; i2 < folds.length; ++i2) {
        const fold = folds[i2];
        const end2 = folds[i2 + 1] || text.length;
        if (fold === 0)
          res = `
${indent}${text.slice(0, end2)}`;
        else {
          if (mode === FOLD_QUOTED && escapedFolds[fold])
            res += `${text[fold]}\\`;
          res += `
${indent}${text.slice(fold + 1, end2)}`;
        }
      }
      return res;
    }
    function consumeMoreIndentedLines(text, i, indent) {
      let end = i;
      let start = i + 1;
      let ch = text[start];
      while (ch === " " || ch === "	") {
        if (i < start + indent) {
          ch = text[++i];
        } else {
          do {
            ch = text[++i];
          } while (ch && ch !== "\n");
          end = i;
          start = i + 1;
          ch = text[start];
        }
      }
      return end;
    }
    exports.FOLD_BLOCK = FOLD_BLOCK;
    exports.FOLD_FLOW = FOLD_FLOW;
    exports.FOLD_QUOTED = FOLD_QUOTED;
    exports.foldFlowLines = foldFlowLines;
  }
});

// npm/yaml/2.9.1/dist/stringify/stringifyString.js
var require_stringifyString = __commonJS({
  "npm/yaml/2.9.1/dist/stringify/stringifyString.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var foldFlowLines = require_foldFlowLines();
    var getFoldOptions = (ctx, isBlock) => ({
      indentAtStart: isBlock ? ctx.indent.length : ctx.indentAtStart,
      lineWidth: ctx.options.lineWidth,
      minContentWidth: ctx.options.minContentWidth
    });
    var containsDocumentMarker = (str3) => /^(%|---|\.\.\.)/m.test(str3);
    function lineLengthOverLimit(str3, lineWidth, indentLength) {
      if (!lineWidth || lineWidth < 0)
        return false;
      const limit = lineWidth - indentLength;
      const strLen = str3.length;
      if (strLen <= limit)
        return false;
      for (let i = 0, start = 0; i < strLen; ++i) {
        if (str3[i] === "\n") {
          if (i - start > limit)
            return true;
          start = i + 1;
          if (strLen - start <= limit)
            return false;
        }
      }
      return true;
    }
    function doubleQuotedString(value, ctx) {
      const json = JSON.stringify(value);
      if (ctx.options.doubleQuotedAsJSON)
        return json;
      const { implicitKey } = ctx;
      const minMultiLineLength = ctx.options.doubleQuotedMinMultiLineLength;
      const indent = ctx.indent || (containsDocumentMarker(value) ? "  " : "");
      let str3 = "";
      let start = 0;
      for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
        if (ch === " " && json[i + 1] === "\\" && json[i + 2] === "n") {
          str3 += json.slice(start, i) + "\\ ";
          i += 1;
          start = i;
          ch = "\\";
        }
        if (ch === "\\")
          switch (json[i + 1]) {
            case "u":
              {
                str3 += json.slice(start, i);
                const code = json.substr(i + 2, 4);
                switch (code) {
                  case "0000":
                    str3 += "\\0";
                    break;
                  case "0007":
                    str3 += "\\a";
                    break;
                  case "000b":
                    str3 += "\\v";
                    break;
                  case "001b":
                    str3 += "\\e";
                    break;
                  case "0085":
                    str3 += "\\N";
                    break;
                  case "00a0":
                    str3 += "\\_";
                    break;
                  case "2028":
                    str3 += "\\L";
                    break;
                  case "2029":
                    str3 += "\\P";
                    break;
                  default:
                    if (code.substr(0, 2) === "00")
                      str3 += "\\x" + code.substr(2);
                    else
                      str3 += json.substr(i, 6);
                }
                i += 5;
                start = i + 1;
              }
              break;
            case "n":
              if (implicitKey || json[i + 2] === '"' || json.length < minMultiLineLength) {
                i += 1;
              } else {
                str3 += json.slice(start, i) + "\n\n";
                while (json[i + 2] === "\\" && json[i + 3] === "n" && json[i + 4] !== '"') {
                  str3 += "\n";
                  i += 2;
                }
                str3 += indent;
                if (json[i + 2] === " ")
                  str3 += "\\";
                i += 1;
                start = i + 1;
              }
              break;
            default:
              i += 1;
          }
      }
      str3 = start ? str3 + json.slice(start) : json;
      return implicitKey ? str3 : foldFlowLines.foldFlowLines(str3, indent, foldFlowLines.FOLD_QUOTED, getFoldOptions(ctx, false));
    }
    function singleQuotedString(value, ctx) {
      if (ctx.options.singleQuote === false || ctx.implicitKey && value.includes("\n") || /[ \t]\n|\n[ \t]/.test(value))
        return doubleQuotedString(value, ctx);
      const indent = ctx.indent || (containsDocumentMarker(value) ? "  " : "");
      const res = "'" + value.replace(/'/g, "''").replace(/\n+/g, `$&
${indent}`) + "'";
      return ctx.implicitKey ? res : foldFlowLines.foldFlowLines(res, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
    }
    function quotedString(value, ctx) {
      const { singleQuote } = ctx.options;
      let qs;
      if (singleQuote === false)
        qs = doubleQuotedString;
      else {
        const hasDouble = value.includes('"');
        const hasSingle = value.includes("'");
        if (hasDouble && !hasSingle)
          qs = singleQuotedString;
        else if (hasSingle && !hasDouble)
          qs = doubleQuotedString;
        else
          qs = singleQuote ? singleQuotedString : doubleQuotedString;
      }
      return qs(value, ctx);
    }
    var blockEndNewlines;
    try {
      blockEndNewlines = new RegExp("(^|(?<!\n))\n+(?!\n|$)", "g");
    } catch {
      blockEndNewlines = /\n+(?!\n|$)/g;
    }
    function blockString({ comment, type, value }, ctx, onComment, onChompKeep) {
      const { blockQuote, commentString, lineWidth } = ctx.options;
      if (!blockQuote || /\n[\t ]+$/.test(value)) {
        return quotedString(value, ctx);
      }
      const indent = ctx.indent || (ctx.forceBlockIndent || containsDocumentMarker(value) ? "  " : "");
      const literal = blockQuote === "literal" ? true : blockQuote === "folded" || type === Scalar.Scalar.BLOCK_FOLDED ? false : type === Scalar.Scalar.BLOCK_LITERAL ? true : !lineLengthOverLimit(value, lineWidth, indent.length);
      if (!value)
        return literal ? "|\n" : ">\n";
      let chomp;
      let endStart;
      for (endStart = value.length; endStart > 0; --endStart) {
        const ch = value[endStart - 1];
        if (ch !== "\n" && ch !== "	" && ch !== " ")
          break;
      }
      let end = value.substring(endStart);
      const endNlPos = end.indexOf("\n");
      if (endNlPos === -1) {
        chomp = "-";
      } else if (value === end || endNlPos !== end.length - 1) {
        chomp = "+";
        if (onChompKeep)
          onChompKeep();
      } else {
        chomp = "";
      }
      if (end) {
        value = value.slice(0, -end.length);
        if (end[end.length - 1] === "\n")
          end = end.slice(0, -1);
        end = end.replace(blockEndNewlines, `$&${indent}`);
      }
      let startWithSpace = false;
      let startEnd;
      let startNlPos = -1;
      for (startEnd = 0; startEnd < value.length; ++startEnd) {
        const ch = value[startEnd];
        if (ch === " ")
          startWithSpace = true;
        else if (ch === "\n")
          startNlPos = startEnd;
        else
          break;
      }
      let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
      if (start) {
        value = value.substring(start.length);
        start = start.replace(/\n+/g, `$&${indent}`);
      }
      const indentSize = indent ? "2" : "1";
      let header = (startWithSpace ? indentSize : "") + chomp;
      if (comment) {
        header += " " + commentString(comment.replace(/ ?[\r\n]+/g, " "));
        if (onComment)
          onComment();
      }
      if (!literal) {
        const foldedValue = value.replace(/\n+/g, "\n$&").replace(/(?:^|\n)([\t ].*)(?:([\n\t ]*)\n(?![\n\t ]))?/g, "$1$2").replace(/\n+/g, `$&${indent}`);
        let literalFallback = false;
        const foldOptions = getFoldOptions(ctx, true);
        if (blockQuote !== "folded" && type !== Scalar.Scalar.BLOCK_FOLDED) {
          foldOptions.onOverflow = () => {
            literalFallback = true;
          };
        }
        const body = foldFlowLines.foldFlowLines(`${start}${foldedValue}${end}`, indent, foldFlowLines.FOLD_BLOCK, foldOptions);
        if (!literalFallback)
          return `>${header}
${indent}${body}`;
      }
      value = value.replace(/\n+/g, `$&${indent}`);
      return `|${header}
${indent}${start}${value}${end}`;
    }
    function plainString(item, ctx, onComment, onChompKeep) {
      const { type, value } = item;
      const { actualString, implicitKey, indent, indentStep, inFlow } = ctx;
      if (implicitKey && value.includes("\n") || inFlow && /[[\]{},]/.test(value)) {
        return quotedString(value, ctx);
      }
      if (/^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/.test(value)) {
        return implicitKey || inFlow || !value.includes("\n") ? quotedString(value, ctx) : blockString(item, ctx, onComment, onChompKeep);
      }
      if (!implicitKey && !inFlow && type !== Scalar.Scalar.PLAIN && value.includes("\n")) {
        return blockString(item, ctx, onComment, onChompKeep);
      }
      if (containsDocumentMarker(value)) {
        if (indent === "") {
          ctx.forceBlockIndent = true;
          return blockString(item, ctx, onComment, onChompKeep);
        } else if (implicitKey && indent === indentStep) {
          return quotedString(value, ctx);
        }
      }
      const str3 = value.replace(/\n+/g, `$&
${indent}`);
      if (actualString) {
        const test = (tag) => tag.default && tag.tag !== "tag:yaml.org,2002:str" && tag.test?.test(str3);
        const { compat, tags } = ctx.doc.schema;
        if (tags.some(test) || compat?.some(test))
          return quotedString(value, ctx);
      }
      return implicitKey ? str3 : foldFlowLines.foldFlowLines(str3, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
    }
    function stringifyString(item, ctx, onComment, onChompKeep) {
      const { implicitKey, inFlow } = ctx;
      const ss = typeof item.value === "string" ? item : Object.assign({}, item, { value: String(item.value) });
      let { type } = item;
      if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
        if (/[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u.test(ss.value))
          type = Scalar.Scalar.QUOTE_DOUBLE;
      }
      const _stringify = (_type) => {
        switch (_type) {
          case Scalar.Scalar.BLOCK_FOLDED:
          case Scalar.Scalar.BLOCK_LITERAL:
            return implicitKey || inFlow ? quotedString(ss.value, ctx) : blockString(ss, ctx, onComment, onChompKeep);
          case Scalar.Scalar.QUOTE_DOUBLE:
            return doubleQuotedString(ss.value, ctx);
          case Scalar.Scalar.QUOTE_SINGLE:
            return singleQuotedString(ss.value, ctx);
          case Scalar.Scalar.PLAIN:
            return plainString(ss, ctx, onComment, onChompKeep);
          default:
            return null;
        }
      };
      let res = _stringify(type);
      if (res === null) {
        const { defaultKeyType, defaultStringType } = ctx.options;
        const t = implicitKey && defaultKeyType || defaultStringType;
        res = _stringify(t);
        if (res === null)
          throw new Error(`Unsupported default string type ${t}`);
      }
      return res;
    }
    exports.stringifyString = stringifyString;
  }
});

// npm/yaml/2.9.1/dist/stringify/stringify.js
var require_stringify = __commonJS({
  "npm/yaml/2.9.1/dist/stringify/stringify.js"(exports) {
    "use strict";
    var anchors = require_anchors();
    var identity = require_identity();
    var stringifyComment = require_stringifyComment();
    var stringifyString = require_stringifyString();
    function createStringifyContext(doc, options) {
      const opt = Object.assign({
        blockQuote: true,
        commentString: stringifyComment.stringifyComment,
        defaultKeyType: null,
        defaultStringType: "PLAIN",
        directives: null,
        doubleQuotedAsJSON: false,
        doubleQuotedMinMultiLineLength: 40,
        falseStr: "false",
        flowCollectionPadding: true,
        indentSeq: true,
        lineWidth: 80,
        minContentWidth: 20,
        nullStr: "null",
        simpleKeys: false,
        singleQuote: null,
        trailingComma: false,
        trueStr: "true",
        verifyAliasOrder: true
      }, doc.schema.toStringOptions, options);
      let inFlow;
      switch (opt.collectionStyle) {
        case "block":
          inFlow = false;
          break;
        case "flow":
          inFlow = true;
          break;
        default:
          inFlow = null;
      }
      return {
        anchors: /* @__PURE__ */ new Set(),
        doc,
        flowCollectionPadding: opt.flowCollectionPadding ? " " : "",
        indent: "",
        indentStep: typeof opt.indent === "number" ? " ".repeat(opt.indent) : "  ",
        inFlow,
        options: opt
      };
    }
    function getTagObject(tags, item) {
      if (item.tag) {
        const match = tags.filter((t) => t.tag === item.tag);
        if (match.length > 0)
          return match.find((t) => t.format === item.format) ?? match[0];
      }
      let tagObj = void 0;
      let obj;
      if (identity.isScalar(item)) {
        obj = item.value;
        let match = tags.filter((t) => t.identify?.(obj));
        if (match.length > 1) {
          const testMatch = match.filter((t) => t.test);
          if (testMatch.length > 0)
            match = testMatch;
        }
        tagObj = match.find((t) => t.format === item.format) ?? match.find((t) => !t.format);
      } else {
        obj = item;
        tagObj = tags.find((t) => t.nodeClass && obj instanceof t.nodeClass);
      }
      if (!tagObj) {
        const name = obj?.constructor?.name ?? (obj === null ? "null" : typeof obj);
        throw new Error(`Tag not resolved for ${name} value`);
      }
      return tagObj;
    }
    function stringifyProps(node, tagObj, { anchors: anchors$1, doc }) {
      if (!doc.directives)
        return "";
      const props = [];
      const anchor = (identity.isScalar(node) || identity.isCollection(node)) && node.anchor;
      if (anchor && anchors.anchorIsValid(anchor)) {
        anchors$1.add(anchor);
        props.push(`&${anchor}`);
      }
      const tag = node.tag ?? (tagObj.default ? null : tagObj.tag);
      if (tag)
        props.push(doc.directives.tagString(tag));
      return props.join(" ");
    }
    function stringify(item, ctx, onComment, onChompKeep) {
      if (identity.isPair(item))
        return item.toString(ctx, onComment, onChompKeep);
      if (identity.isAlias(item)) {
        if (ctx.doc.directives)
          return item.toString(ctx);
        if (ctx.resolvedAliases?.has(item)) {
          throw new TypeError(`Cannot stringify circular structure without alias nodes`);
        } else {
          if (ctx.resolvedAliases)
            ctx.resolvedAliases.add(item);
          else
            ctx.resolvedAliases = /* @__PURE__ */ new Set([item]);
          item = item.resolve(ctx.doc);
        }
      }
      let tagObj = void 0;
      const node = identity.isNode(item) ? item : ctx.doc.createNode(item, { onTagObj: (o) => tagObj = o });
      tagObj ?? (tagObj = getTagObject(ctx.doc.schema.tags, node));
      const props = stringifyProps(node, tagObj, ctx);
      if (props.length > 0)
        ctx.indentAtStart = (ctx.indentAtStart ?? 0) + props.length + 1;
      const str3 = typeof tagObj.stringify === "function" ? tagObj.stringify(node, ctx, onComment, onChompKeep) : identity.isScalar(node) ? stringifyString.stringifyString(node, ctx, onComment, onChompKeep) : node.toString(ctx, onComment, onChompKeep);
      if (!props)
        return str3;
      return identity.isScalar(node) || str3[0] === "{" || str3[0] === "[" ? `${props} ${str3}` : `${props}
${ctx.indent}${str3}`;
    }
    exports.createStringifyContext = createStringifyContext;
    exports.stringify = stringify;
  }
});

// npm/yaml/2.9.1/dist/stringify/stringifyPair.js
var require_stringifyPair = __commonJS({
  "npm/yaml/2.9.1/dist/stringify/stringifyPair.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Scalar = require_Scalar();
    var stringify = require_stringify();
    var stringifyComment = require_stringifyComment();
    function stringifyPair({ key, value }, ctx, onComment, onChompKeep) {
      const { allNullValues, doc, indent, indentStep, options: { commentString, indentSeq, simpleKeys } } = ctx;
      let keyComment = identity.isNode(key) && key.comment || null;
      if (simpleKeys) {
        if (keyComment) {
          throw new Error("With simple keys, key nodes cannot have comments");
        }
        if (identity.isCollection(key) || !identity.isNode(key) && typeof key === "object") {
          const msg = "With simple keys, collection cannot be used as a key value";
          throw new Error(msg);
        }
      }
      let explicitKey = !simpleKeys && (!key || keyComment && value == null && !ctx.inFlow || identity.isCollection(key) || (identity.isScalar(key) ? key.type === Scalar.Scalar.BLOCK_FOLDED || key.type === Scalar.Scalar.BLOCK_LITERAL : typeof key === "object"));
      ctx = Object.assign({}, ctx, {
        allNullValues: false,
        implicitKey: !explicitKey && (simpleKeys || !allNullValues),
        indent: indent + indentStep
      });
      let keyCommentDone = false;
      let chompKeep = false;
      let str3 = stringify.stringify(key, ctx, () => keyCommentDone = true, () => chompKeep = true);
      if (!explicitKey && !ctx.inFlow && str3.length > 1024) {
        if (simpleKeys)
          throw new Error("With simple keys, single line scalar must not span more than 1024 characters");
        explicitKey = true;
      }
      if (ctx.inFlow) {
        if (allNullValues || value == null) {
          if (keyCommentDone && onComment)
            onComment();
          return str3 === "" ? "?" : explicitKey ? `? ${str3}` : str3;
        }
      } else if (allNullValues && !simpleKeys || value == null && explicitKey) {
        str3 = `? ${str3}`;
        if (keyComment && !keyCommentDone) {
          str3 += stringifyComment.lineComment(str3, ctx.indent, commentString(keyComment));
        } else if (chompKeep && onChompKeep)
          onChompKeep();
        return str3;
      }
      if (keyCommentDone)
        keyComment = null;
      if (explicitKey) {
        if (keyComment)
          str3 += stringifyComment.lineComment(str3, ctx.indent, commentString(keyComment));
        str3 = `? ${str3}
${indent}:`;
      } else {
        str3 = `${str3}:`;
        if (keyComment)
          str3 += stringifyComment.lineComment(str3, ctx.indent, commentString(keyComment));
      }
      let vsb, vcb, valueComment;
      if (identity.isNode(value)) {
        vsb = !!value.spaceBefore;
        vcb = value.commentBefore;
        valueComment = value.comment;
      } else {
        vsb = false;
        vcb = null;
        valueComment = null;
        if (value && typeof value === "object")
          value = doc.createNode(value);
      }
      ctx.implicitKey = false;
      if (!explicitKey && !keyComment && identity.isScalar(value))
        ctx.indentAtStart = str3.length + 1;
      chompKeep = false;
      if (!indentSeq && indentStep.length >= 2 && !ctx.inFlow && !explicitKey && identity.isSeq(value) && !value.flow && !value.tag && !value.anchor) {
        ctx.indent = ctx.indent.substring(2);
      }
      let valueCommentDone = false;
      const valueStr = stringify.stringify(value, ctx, () => valueCommentDone = true, () => chompKeep = true);
      let ws = " ";
      if (keyComment || vsb || vcb) {
        ws = vsb ? "\n" : "";
        if (vcb) {
          const cs = commentString(vcb);
          ws += `
${stringifyComment.indentComment(cs, ctx.indent)}`;
        }
        if (valueStr === "" && !ctx.inFlow) {
          if (ws === "\n" && valueComment)
            ws = "\n\n";
        } else {
          ws += `
${ctx.indent}`;
        }
      } else if (!explicitKey && identity.isCollection(value)) {
        const vs0 = valueStr[0];
        const nl0 = valueStr.indexOf("\n");
        const hasNewline = nl0 !== -1;
        const flow = ctx.inFlow ?? value.flow ?? value.items.length === 0;
        if (hasNewline || !flow) {
          let hasPropsLine = false;
          if (hasNewline && (vs0 === "&" || vs0 === "!")) {
            let sp0 = valueStr.indexOf(" ");
            if (vs0 === "&" && sp0 !== -1 && sp0 < nl0 && valueStr[sp0 + 1] === "!") {
              sp0 = valueStr.indexOf(" ", sp0 + 1);
            }
            if (sp0 === -1 || nl0 < sp0)
              hasPropsLine = true;
          }
          if (!hasPropsLine)
            ws = `
${ctx.indent}`;
        }
      } else if (valueStr === "" || valueStr[0] === "\n") {
        ws = "";
      }
      str3 += ws + valueStr;
      if (ctx.inFlow) {
        if (valueCommentDone && onComment)
          onComment();
      } else if (valueComment && !valueCommentDone) {
        str3 += stringifyComment.lineComment(str3, ctx.indent, commentString(valueComment));
      } else if (chompKeep && onChompKeep) {
        onChompKeep();
      }
      return str3;
    }
    exports.stringifyPair = stringifyPair;
  }
});

// npm/yaml/2.9.1/dist/log.js
var require_log = __commonJS({
  "npm/yaml/2.9.1/dist/log.js"(exports) {
    "use strict";
    var node_process = __require("process");
    function debug(logLevel, ...messages) {
      if (logLevel === "debug")
        console.log(...messages);
    }
    function warn(logLevel, warning) {
      if (logLevel === "debug" || logLevel === "warn") {
        if (typeof node_process.emitWarning === "function")
          node_process.emitWarning(warning);
        else
          console.warn(warning);
      }
    }
    exports.debug = debug;
    exports.warn = warn;
  }
});

// npm/yaml/2.9.1/dist/schema/yaml-1.1/merge.js
var require_merge = __commonJS({
  "npm/yaml/2.9.1/dist/schema/yaml-1.1/merge.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Scalar = require_Scalar();
    var MERGE_KEY = "<<";
    var merge = {
      identify: (value) => value === MERGE_KEY || typeof value === "symbol" && value.description === MERGE_KEY,
      default: "key",
      tag: "tag:yaml.org,2002:merge",
      test: /^<<$/,
      resolve: () => Object.assign(new Scalar.Scalar(Symbol(MERGE_KEY)), {
        addToJSMap: addMergeToJSMap
      }),
      stringify: () => MERGE_KEY
    };
    var isMergeKey = (ctx, key) => (merge.identify(key) || identity.isScalar(key) && (!key.type || key.type === Scalar.Scalar.PLAIN) && merge.identify(key.value)) && ctx?.doc.schema.tags.some((tag) => tag.tag === merge.tag && tag.default);
    function addMergeToJSMap(ctx, map, value) {
      const source = resolveAliasValue(ctx, value);
      if (identity.isSeq(source))
        for (const it of source.items)
          mergeValue(ctx, map, it);
      else if (Array.isArray(source))
        for (const it of source)
          mergeValue(ctx, map, it);
      else
        mergeValue(ctx, map, source);
    }
    function mergeValue(ctx, map, value) {
      const source = resolveAliasValue(ctx, value);
      if (!identity.isMap(source))
        throw new Error("Merge sources must be maps or map aliases");
      const srcMap = source.toJSON(null, ctx, Map);
      for (const [key, value2] of srcMap) {
        if (map instanceof Map) {
          if (!map.has(key))
            map.set(key, value2);
        } else if (map instanceof Set) {
          map.add(key);
        } else if (!Object.prototype.hasOwnProperty.call(map, key)) {
          Object.defineProperty(map, key, {
            value: value2,
            writable: true,
            enumerable: true,
            configurable: true
          });
        }
      }
      return map;
    }
    function resolveAliasValue(ctx, value) {
      return ctx && identity.isAlias(value) ? value.resolve(ctx.doc, ctx) : value;
    }
    exports.addMergeToJSMap = addMergeToJSMap;
    exports.isMergeKey = isMergeKey;
    exports.merge = merge;
  }
});

// npm/yaml/2.9.1/dist/nodes/addPairToJSMap.js
var require_addPairToJSMap = __commonJS({
  "npm/yaml/2.9.1/dist/nodes/addPairToJSMap.js"(exports) {
    "use strict";
    var log = require_log();
    var merge = require_merge();
    var stringify = require_stringify();
    var identity = require_identity();
    var toJS = require_toJS();
    function addPairToJSMap(ctx, map, { key, value }) {
      if (identity.isNode(key) && key.addToJSMap)
        key.addToJSMap(ctx, map, value);
      else if (merge.isMergeKey(ctx, key))
        merge.addMergeToJSMap(ctx, map, value);
      else {
        const jsKey = toJS.toJS(key, "", ctx);
        if (map instanceof Map) {
          map.set(jsKey, toJS.toJS(value, jsKey, ctx));
        } else if (map instanceof Set) {
          map.add(jsKey);
        } else {
          const stringKey = stringifyKey(key, jsKey, ctx);
          const jsValue = toJS.toJS(value, stringKey, ctx);
          if (stringKey in map)
            Object.defineProperty(map, stringKey, {
              value: jsValue,
              writable: true,
              enumerable: true,
              configurable: true
            });
          else
            map[stringKey] = jsValue;
        }
      }
      return map;
    }
    function stringifyKey(key, jsKey, ctx) {
      if (jsKey === null)
        return "";
      if (typeof jsKey !== "object")
        return String(jsKey);
      if (identity.isNode(key) && ctx?.doc) {
        const strCtx = stringify.createStringifyContext(ctx.doc, {});
        strCtx.anchors = /* @__PURE__ */ new Set();
        for (const node of ctx.anchors.keys())
          strCtx.anchors.add(node.anchor);
        strCtx.inFlow = true;
        strCtx.inStringifyKey = true;
        const strKey = key.toString(strCtx);
        if (!ctx.mapKeyWarned) {
          let jsonStr = JSON.stringify(strKey);
          if (jsonStr.length > 40)
            jsonStr = jsonStr.substring(0, 36) + '..."';
          log.warn(ctx.doc.options.logLevel, `Keys with collection values will be stringified due to JS Object restrictions: ${jsonStr}. Set mapAsMap: true to use object keys.`);
          ctx.mapKeyWarned = true;
        }
        return strKey;
      }
      return JSON.stringify(jsKey);
    }
    exports.addPairToJSMap = addPairToJSMap;
  }
});

// npm/yaml/2.9.1/dist/nodes/Pair.js
var require_Pair = __commonJS({
  "npm/yaml/2.9.1/dist/nodes/Pair.js"(exports) {
    "use strict";
    var createNode = require_createNode();
    var stringifyPair = require_stringifyPair();
    var addPairToJSMap = require_addPairToJSMap();
    var identity = require_identity();
    function createPair(key, value, ctx) {
      const k = createNode.createNode(key, void 0, ctx);
      const v = createNode.createNode(value, void 0, ctx);
      return new Pair(k, v);
    }
    var Pair = class _Pair {
      constructor(key, value = null) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.PAIR });
        this.key = key;
        this.value = value;
      }
      clone(schema) {
        let { key, value } = this;
        if (identity.isNode(key))
          key = key.clone(schema);
        if (identity.isNode(value))
          value = value.clone(schema);
        return new _Pair(key, value);
      }
      toJSON(_, ctx) {
        const pair = ctx?.mapAsMap ? /* @__PURE__ */ new Map() : {};
        return addPairToJSMap.addPairToJSMap(ctx, pair, this);
      }
      toString(ctx, onComment, onChompKeep) {
        return ctx?.doc ? stringifyPair.stringifyPair(this, ctx, onComment, onChompKeep) : JSON.stringify(this);
      }
    };
    exports.Pair = Pair;
    exports.createPair = createPair;
  }
});

// npm/yaml/2.9.1/dist/stringify/stringifyCollection.js
var require_stringifyCollection = __commonJS({
  "npm/yaml/2.9.1/dist/stringify/stringifyCollection.js"(exports) {
    "use strict";
    var identity = require_identity();
    var stringify = require_stringify();
    var stringifyComment = require_stringifyComment();
    function stringifyCollection(collection, ctx, options) {
      const flow = ctx.inFlow ?? collection.flow;
      const stringify2 = flow ? stringifyFlowCollection : stringifyBlockCollection;
      return stringify2(collection, ctx, options);
    }
    function stringifyBlockCollection({ comment, items: items2 }, ctx, { blockItemPrefix, flowChars, itemIndent, onChompKeep, onComment }) {
      const { indent, options: { commentString } } = ctx;
      const itemCtx = Object.assign({}, ctx, { indent: itemIndent, type: null });
      let chompKeep = false;
      const lines = [];
      for (let i = 0; i < items2.length; ++i) {
        const item = items2[i];
        let comment2 = null;
        if (identity.isNode(item)) {
          if (!chompKeep && item.spaceBefore)
            lines.push("");
          addCommentBefore(ctx, lines, item.commentBefore, chompKeep);
          if (item.comment)
            comment2 = item.comment;
        } else if (identity.isPair(item)) {
          const ik = identity.isNode(item.key) ? item.key : null;
          if (ik) {
            if (!chompKeep && ik.spaceBefore)
              lines.push("");
            addCommentBefore(ctx, lines, ik.commentBefore, chompKeep);
          }
        }
        chompKeep = false;
        let str4 = stringify.stringify(item, itemCtx, () => comment2 = null, () => chompKeep = true);
        if (comment2)
          str4 += stringifyComment.lineComment(str4, itemIndent, commentString(comment2));
        if (chompKeep && comment2)
          chompKeep = false;
        lines.push(blockItemPrefix + str4);
      }
      let str3;
      if (lines.length === 0) {
        str3 = flowChars.start + flowChars.end;
      } else {
        str3 = lines[0];
        for (let i = 1; i < lines.length; ++i) {
          const line = lines[i];
          str3 += line ? `
${indent}${line}` : "\n";
        }
      }
      if (comment) {
        str3 += "\n" + stringifyComment.indentComment(commentString(comment), indent);
        if (onComment)
          onComment();
      } else if (chompKeep && onChompKeep)
        onChompKeep();
      return str3;
    }
    function stringifyFlowCollection({ items: items2 }, ctx, { flowChars, itemIndent }) {
      const { indent, indentStep, flowCollectionPadding: fcPadding, options: { commentString } } = ctx;
      itemIndent += indentStep;
      const itemCtx = Object.assign({}, ctx, {
        indent: itemIndent,
        inFlow: true,
        type: null
      });
      let reqNewline = false;
      let linesAtValue = 0;
      const lines = [];
      for (let i = 0; i < items2.length; ++i) {
        const item = items2[i];
        let comment = null;
        if (identity.isNode(item)) {
          if (item.spaceBefore)
            lines.push("");
          addCommentBefore(ctx, lines, item.commentBefore, false);
          if (item.comment)
            comment = item.comment;
        } else if (identity.isPair(item)) {
          const ik = identity.isNode(item.key) ? item.key : null;
          if (ik) {
            if (ik.spaceBefore)
              lines.push("");
            addCommentBefore(ctx, lines, ik.commentBefore, false);
            if (ik.comment)
              reqNewline = true;
          }
          const iv = identity.isNode(item.value) ? item.value : null;
          if (iv) {
            if (iv.comment)
              comment = iv.comment;
            if (iv.commentBefore)
              reqNewline = true;
          } else if (item.value == null && ik?.comment) {
            comment = ik.comment;
          }
        }
        if (comment)
          reqNewline = true;
        let str3 = stringify.stringify(item, itemCtx, () => comment = null);
        reqNewline || (reqNewline = lines.length > linesAtValue || str3.includes("\n"));
        if (i < items2.length - 1) {
          str3 += ",";
        } else if (ctx.options.trailingComma) {
          if (ctx.options.lineWidth > 0) {
            reqNewline || (reqNewline = lines.reduce((sum, line) => sum + line.length + 2, 2) + (str3.length + 2) > ctx.options.lineWidth);
          }
          if (reqNewline) {
            str3 += ",";
          }
        }
        if (comment)
          str3 += stringifyComment.lineComment(str3, itemIndent, commentString(comment));
        lines.push(str3);
        linesAtValue = lines.length;
      }
      const { start, end } = flowChars;
      if (lines.length === 0) {
        return start + end;
      } else {
        if (!reqNewline) {
          const len = lines.reduce((sum, line) => sum + line.length + 2, 2);
          reqNewline = ctx.options.lineWidth > 0 && len > ctx.options.lineWidth;
        }
        if (reqNewline) {
          let str3 = start;
          for (const line of lines)
            str3 += line ? `
${indentStep}${indent}${line}` : "\n";
          return `${str3}
${indent}${end}`;
        } else {
          return `${start}${fcPadding}${lines.join(" ")}${fcPadding}${end}`;
        }
      }
    }
    function addCommentBefore({ indent, options: { commentString } }, lines, comment, chompKeep) {
      if (comment && chompKeep)
        comment = comment.replace(/^\n+/, "");
      if (comment) {
        const ic = stringifyComment.indentComment(commentString(comment), indent);
        lines.push(ic.trimStart());
      }
    }
    exports.stringifyCollection = stringifyCollection;
  }
});

// npm/yaml/2.9.1/dist/nodes/YAMLMap.js
var require_YAMLMap = __commonJS({
  "npm/yaml/2.9.1/dist/nodes/YAMLMap.js"(exports) {
    "use strict";
    var stringifyCollection = require_stringifyCollection();
    var addPairToJSMap = require_addPairToJSMap();
    var Collection = require_Collection();
    var identity = require_identity();
    var Pair = require_Pair();
    var Scalar = require_Scalar();
    function findPair(items2, key) {
      const k = identity.isScalar(key) ? key.value : key;
      for (const it of items2) {
        if (identity.isPair(it)) {
          if (it.key === key || it.key === k)
            return it;
          if (identity.isScalar(it.key) && it.key.value === k)
            return it;
        }
      }
      return void 0;
    }
    var YAMLMap = class extends Collection.Collection {
      static get tagName() {
        return "tag:yaml.org,2002:map";
      }
      constructor(schema) {
        super(identity.MAP, schema);
        this.items = [];
      }
      /**
       * A generic collection parsing method that can be extended
       * to other node classes that inherit from YAMLMap
       */
      static from(schema, obj, ctx) {
        const { keepUndefined, replacer } = ctx;
        const map = new this(schema);
        const add = (key, value) => {
          if (typeof replacer === "function")
            value = replacer.call(obj, key, value);
          else if (Array.isArray(replacer) && !replacer.includes(key))
            return;
          if (value !== void 0 || keepUndefined)
            map.items.push(Pair.createPair(key, value, ctx));
        };
        if (obj instanceof Map) {
          for (const [key, value] of obj)
            add(key, value);
        } else if (obj && typeof obj === "object") {
          for (const key of Object.keys(obj))
            add(key, obj[key]);
        }
        if (typeof schema.sortMapEntries === "function") {
          map.items.sort(schema.sortMapEntries);
        }
        return map;
      }
      /**
       * Adds a value to the collection.
       *
       * @param overwrite - If not set `true`, using a key that is already in the
       *   collection will throw. Otherwise, overwrites the previous value.
       */
      add(pair, overwrite) {
        let _pair;
        if (identity.isPair(pair))
          _pair = pair;
        else if (!pair || typeof pair !== "object" || !("key" in pair)) {
          _pair = new Pair.Pair(pair, pair?.value);
        } else
          _pair = new Pair.Pair(pair.key, pair.value);
        const prev = findPair(this.items, _pair.key);
        const sortEntries = this.schema?.sortMapEntries;
        if (prev) {
          if (!overwrite)
            throw new Error(`Key ${_pair.key} already set`);
          if (identity.isScalar(prev.value) && Scalar.isScalarValue(_pair.value))
            prev.value.value = _pair.value;
          else
            prev.value = _pair.value;
        } else if (sortEntries) {
          const i = this.items.findIndex((item) => sortEntries(_pair, item) < 0);
          if (i === -1)
            this.items.push(_pair);
          else
            this.items.splice(i, 0, _pair);
        } else {
          this.items.push(_pair);
        }
      }
      delete(key) {
        const it = findPair(this.items, key);
        if (!it)
          return false;
        const del = this.items.splice(this.items.indexOf(it), 1);
        return del.length > 0;
      }
      get(key, keepScalar) {
        const it = findPair(this.items, key);
        const node = it?.value;
        return (!keepScalar && identity.isScalar(node) ? node.value : node) ?? void 0;
      }
      has(key) {
        return !!findPair(this.items, key);
      }
      set(key, value) {
        this.add(new Pair.Pair(key, value), true);
      }
      /**
       * @param ctx - Conversion context, originally set in Document#toJS()
       * @param {Class} Type - If set, forces the returned collection type
       * @returns Instance of Type, Map, or Object
       */
      toJSON(_, ctx, Type) {
        const map = Type ? new Type() : ctx?.mapAsMap ? /* @__PURE__ */ new Map() : {};
        if (ctx?.onCreate)
          ctx.onCreate(map);
        for (const item of this.items)
          addPairToJSMap.addPairToJSMap(ctx, map, item);
        return map;
      }
      toString(ctx, onComment, onChompKeep) {
        if (!ctx)
          return JSON.stringify(this);
        for (const item of this.items) {
          if (!identity.isPair(item))
            throw new Error(`Map items must all be pairs; found ${JSON.stringify(item)} instead`);
        }
        if (!ctx.allNullValues && this.hasAllNullValues(false))
          ctx = Object.assign({}, ctx, { allNullValues: true });
        return stringifyCollection.stringifyCollection(this, ctx, {
          blockItemPrefix: "",
          flowChars: { start: "{", end: "}" },
          itemIndent: ctx.indent || "",
          onChompKeep,
          onComment
        });
      }
    };
    exports.YAMLMap = YAMLMap;
    exports.findPair = findPair;
  }
});

// npm/yaml/2.9.1/dist/schema/common/map.js
var require_map = __commonJS({
  "npm/yaml/2.9.1/dist/schema/common/map.js"(exports) {
    "use strict";
    var identity = require_identity();
    var YAMLMap = require_YAMLMap();
    var map = {
      collection: "map",
      default: true,
      nodeClass: YAMLMap.YAMLMap,
      tag: "tag:yaml.org,2002:map",
      resolve(map2, onError) {
        if (!identity.isMap(map2))
          onError("Expected a mapping for this tag");
        return map2;
      },
      createNode: (schema, obj, ctx) => YAMLMap.YAMLMap.from(schema, obj, ctx)
    };
    exports.map = map;
  }
});

// npm/yaml/2.9.1/dist/nodes/YAMLSeq.js
var require_YAMLSeq = __commonJS({
  "npm/yaml/2.9.1/dist/nodes/YAMLSeq.js"(exports) {
    "use strict";
    var createNode = require_createNode();
    var stringifyCollection = require_stringifyCollection();
    var Collection = require_Collection();
    var identity = require_identity();
    var Scalar = require_Scalar();
    var toJS = require_toJS();
    var YAMLSeq = class extends Collection.Collection {
      static get tagName() {
        return "tag:yaml.org,2002:seq";
      }
      constructor(schema) {
        super(identity.SEQ, schema);
        this.items = [];
      }
      add(value) {
        this.items.push(value);
      }
      /**
       * Removes a value from the collection.
       *
       * `key` must contain a representation of an integer for this to succeed.
       * It may be wrapped in a `Scalar`.
       *
       * @returns `true` if the item was found and removed.
       */
      delete(key) {
        const idx = asItemIndex(key);
        if (typeof idx !== "number")
          return false;
        const del = this.items.splice(idx, 1);
        return del.length > 0;
      }
      get(key, keepScalar) {
        const idx = asItemIndex(key);
        if (typeof idx !== "number")
          return void 0;
        const it = this.items[idx];
        return !keepScalar && identity.isScalar(it) ? it.value : it;
      }
      /**
       * Checks if the collection includes a value with the key `key`.
       *
       * `key` must contain a representation of an integer for this to succeed.
       * It may be wrapped in a `Scalar`.
       */
      has(key) {
        const idx = asItemIndex(key);
        return typeof idx === "number" && idx < this.items.length;
      }
      /**
       * Sets a value in this collection. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       *
       * If `key` does not contain a representation of an integer, this will throw.
       * It may be wrapped in a `Scalar`.
       */
      set(key, value) {
        const idx = asItemIndex(key);
        if (typeof idx !== "number")
          throw new Error(`Expected a valid index, not ${key}.`);
        const prev = this.items[idx];
        if (identity.isScalar(prev) && Scalar.isScalarValue(value))
          prev.value = value;
        else
          this.items[idx] = value;
      }
      toJSON(_, ctx) {
        const seq = [];
        if (ctx?.onCreate)
          ctx.onCreate(seq);
        let i = 0;
        for (const item of this.items)
          seq.push(toJS.toJS(item, String(i++), ctx));
        return seq;
      }
      toString(ctx, onComment, onChompKeep) {
        if (!ctx)
          return JSON.stringify(this);
        return stringifyCollection.stringifyCollection(this, ctx, {
          blockItemPrefix: "- ",
          flowChars: { start: "[", end: "]" },
          itemIndent: (ctx.indent || "") + "  ",
          onChompKeep,
          onComment
        });
      }
      static from(schema, obj, ctx) {
        const { replacer } = ctx;
        const seq = new this(schema);
        if (obj && Symbol.iterator in Object(obj)) {
          let i = 0;
          for (let it of obj) {
            if (typeof replacer === "function") {
              const key = obj instanceof Set ? it : String(i++);
              it = replacer.call(obj, key, it);
            }
            seq.items.push(createNode.createNode(it, void 0, ctx));
          }
        }
        return seq;
      }
    };
    function asItemIndex(key) {
      let idx = identity.isScalar(key) ? key.value : key;
      if (idx && typeof idx === "string")
        idx = Number(idx);
      return typeof idx === "number" && Number.isInteger(idx) && idx >= 0 ? idx : null;
    }
    exports.YAMLSeq = YAMLSeq;
  }
});

// npm/yaml/2.9.1/dist/schema/common/seq.js
var require_seq = __commonJS({
  "npm/yaml/2.9.1/dist/schema/common/seq.js"(exports) {
    "use strict";
    var identity = require_identity();
    var YAMLSeq = require_YAMLSeq();
    var seq = {
      collection: "seq",
      default: true,
      nodeClass: YAMLSeq.YAMLSeq,
      tag: "tag:yaml.org,2002:seq",
      resolve(seq2, onError) {
        if (!identity.isSeq(seq2))
          onError("Expected a sequence for this tag");
        return seq2;
      },
      createNode: (schema, obj, ctx) => YAMLSeq.YAMLSeq.from(schema, obj, ctx)
    };
    exports.seq = seq;
  }
});

// npm/yaml/2.9.1/dist/schema/common/string.js
var require_string = __commonJS({
  "npm/yaml/2.9.1/dist/schema/common/string.js"(exports) {
    "use strict";
    var stringifyString = require_stringifyString();
    var string = {
      identify: (value) => typeof value === "string",
      default: true,
      tag: "tag:yaml.org,2002:str",
      resolve: (str3) => str3,
      stringify(item, ctx, onComment, onChompKeep) {
        ctx = Object.assign({ actualString: true }, ctx);
        return stringifyString.stringifyString(item, ctx, onComment, onChompKeep);
      }
    };
    exports.string = string;
  }
});

// npm/yaml/2.9.1/dist/schema/common/null.js
var require_null = __commonJS({
  "npm/yaml/2.9.1/dist/schema/common/null.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var nullTag = {
      identify: (value) => value == null,
      createNode: () => new Scalar.Scalar(null),
      default: true,
      tag: "tag:yaml.org,2002:null",
      test: /^(?:~|[Nn]ull|NULL)?$/,
      resolve: () => new Scalar.Scalar(null),
      stringify: ({ source }, ctx) => typeof source === "string" && nullTag.test.test(source) ? source : ctx.options.nullStr
    };
    exports.nullTag = nullTag;
  }
});

// npm/yaml/2.9.1/dist/schema/core/bool.js
var require_bool = __commonJS({
  "npm/yaml/2.9.1/dist/schema/core/bool.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var boolTag = {
      identify: (value) => typeof value === "boolean",
      default: true,
      tag: "tag:yaml.org,2002:bool",
      test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
      resolve: (str3) => new Scalar.Scalar(str3[0] === "t" || str3[0] === "T"),
      stringify({ source, value }, ctx) {
        if (source && boolTag.test.test(source)) {
          const sv = source[0] === "t" || source[0] === "T";
          if (value === sv)
            return source;
        }
        return value ? ctx.options.trueStr : ctx.options.falseStr;
      }
    };
    exports.boolTag = boolTag;
  }
});

// npm/yaml/2.9.1/dist/stringify/stringifyNumber.js
var require_stringifyNumber = __commonJS({
  "npm/yaml/2.9.1/dist/stringify/stringifyNumber.js"(exports) {
    "use strict";
    function stringifyNumber({ format, minFractionDigits, tag, value }) {
      if (typeof value === "bigint")
        return String(value);
      const num2 = typeof value === "number" ? value : Number(value);
      if (!isFinite(num2))
        return isNaN(num2) ? ".nan" : num2 < 0 ? "-.inf" : ".inf";
      let n = Object.is(value, -0) ? "-0" : JSON.stringify(value);
      if (!format && minFractionDigits && (!tag || tag === "tag:yaml.org,2002:float") && /^-?\d/.test(n) && !n.includes("e")) {
        let i = n.indexOf(".");
        if (i < 0) {
          i = n.length;
          n += ".";
        }
        let d = minFractionDigits - (n.length - i - 1);
        while (d-- > 0)
          n += "0";
      }
      return n;
    }
    exports.stringifyNumber = stringifyNumber;
  }
});

// npm/yaml/2.9.1/dist/schema/core/float.js
var require_float = __commonJS({
  "npm/yaml/2.9.1/dist/schema/core/float.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var stringifyNumber = require_stringifyNumber();
    var floatNaN = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
      resolve: (str3) => str3.slice(-3).toLowerCase() === "nan" ? NaN : str3[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY,
      stringify: stringifyNumber.stringifyNumber
    };
    var floatExp = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      format: "EXP",
      test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
      resolve: (str3) => parseFloat(str3),
      stringify(node) {
        const num2 = Number(node.value);
        return isFinite(num2) ? num2.toExponential() : stringifyNumber.stringifyNumber(node);
      }
    };
    var float = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
      resolve(str3) {
        const node = new Scalar.Scalar(parseFloat(str3));
        const dot = str3.indexOf(".");
        if (dot !== -1 && str3[str3.length - 1] === "0")
          node.minFractionDigits = str3.length - dot - 1;
        return node;
      },
      stringify: stringifyNumber.stringifyNumber
    };
    exports.float = float;
    exports.floatExp = floatExp;
    exports.floatNaN = floatNaN;
  }
});

// npm/yaml/2.9.1/dist/schema/core/int.js
var require_int = __commonJS({
  "npm/yaml/2.9.1/dist/schema/core/int.js"(exports) {
    "use strict";
    var stringifyNumber = require_stringifyNumber();
    var intIdentify = (value) => typeof value === "bigint" || Number.isInteger(value);
    var intResolve = (str3, offset, radix, { intAsBigInt }) => intAsBigInt ? BigInt(str3) : parseInt(str3.substring(offset), radix);
    function intStringify(node, radix, prefix) {
      const { value } = node;
      if (intIdentify(value) && value >= 0)
        return prefix + value.toString(radix);
      return stringifyNumber.stringifyNumber(node);
    }
    var intOct = {
      identify: (value) => intIdentify(value) && value >= 0,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "OCT",
      test: /^0o[0-7]+$/,
      resolve: (str3, _onError, opt) => intResolve(str3, 2, 8, opt),
      stringify: (node) => intStringify(node, 8, "0o")
    };
    var int2 = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      test: /^[-+]?[0-9]+$/,
      resolve: (str3, _onError, opt) => intResolve(str3, 0, 10, opt),
      stringify: stringifyNumber.stringifyNumber
    };
    var intHex = {
      identify: (value) => intIdentify(value) && value >= 0,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "HEX",
      test: /^0x[0-9a-fA-F]+$/,
      resolve: (str3, _onError, opt) => intResolve(str3, 2, 16, opt),
      stringify: (node) => intStringify(node, 16, "0x")
    };
    exports.int = int2;
    exports.intHex = intHex;
    exports.intOct = intOct;
  }
});

// npm/yaml/2.9.1/dist/schema/core/schema.js
var require_schema = __commonJS({
  "npm/yaml/2.9.1/dist/schema/core/schema.js"(exports) {
    "use strict";
    var map = require_map();
    var _null = require_null();
    var seq = require_seq();
    var string = require_string();
    var bool = require_bool();
    var float = require_float();
    var int2 = require_int();
    var schema = [
      map.map,
      seq.seq,
      string.string,
      _null.nullTag,
      bool.boolTag,
      int2.intOct,
      int2.int,
      int2.intHex,
      float.floatNaN,
      float.floatExp,
      float.float
    ];
    exports.schema = schema;
  }
});

// npm/yaml/2.9.1/dist/schema/json/schema.js
var require_schema2 = __commonJS({
  "npm/yaml/2.9.1/dist/schema/json/schema.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var map = require_map();
    var seq = require_seq();
    function intIdentify(value) {
      return typeof value === "bigint" || Number.isInteger(value);
    }
    var stringifyJSON = ({ value }) => JSON.stringify(value);
    var jsonScalars = [
      {
        identify: (value) => typeof value === "string",
        default: true,
        tag: "tag:yaml.org,2002:str",
        resolve: (str3) => str3,
        stringify: stringifyJSON
      },
      {
        identify: (value) => value == null,
        createNode: () => new Scalar.Scalar(null),
        default: true,
        tag: "tag:yaml.org,2002:null",
        test: /^null$/,
        resolve: () => null,
        stringify: stringifyJSON
      },
      {
        identify: (value) => typeof value === "boolean",
        default: true,
        tag: "tag:yaml.org,2002:bool",
        test: /^true$|^false$/,
        resolve: (str3) => str3 === "true",
        stringify: stringifyJSON
      },
      {
        identify: intIdentify,
        default: true,
        tag: "tag:yaml.org,2002:int",
        test: /^-?(?:0|[1-9][0-9]*)$/,
        resolve: (str3, _onError, { intAsBigInt }) => intAsBigInt ? BigInt(str3) : parseInt(str3, 10),
        stringify: ({ value }) => intIdentify(value) ? value.toString() : JSON.stringify(value)
      },
      {
        identify: (value) => typeof value === "number",
        default: true,
        tag: "tag:yaml.org,2002:float",
        test: /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?$/,
        resolve: (str3) => parseFloat(str3),
        stringify: stringifyJSON
      }
    ];
    var jsonError = {
      default: true,
      tag: "",
      test: /^/,
      resolve(str3, onError) {
        onError(`Unresolved plain scalar ${JSON.stringify(str3)}`);
        return str3;
      }
    };
    var schema = [map.map, seq.seq].concat(jsonScalars, jsonError);
    exports.schema = schema;
  }
});

// npm/yaml/2.9.1/dist/schema/yaml-1.1/binary.js
var require_binary = __commonJS({
  "npm/yaml/2.9.1/dist/schema/yaml-1.1/binary.js"(exports) {
    "use strict";
    var node_buffer = __require("buffer");
    var Scalar = require_Scalar();
    var stringifyString = require_stringifyString();
    var binary = {
      identify: (value) => value instanceof Uint8Array,
      // Buffer inherits from Uint8Array
      default: false,
      tag: "tag:yaml.org,2002:binary",
      /**
       * Returns a Buffer in node and an Uint8Array in browsers
       *
       * To use the resulting buffer as an image, you'll want to do something like:
       *
       *   const blob = new Blob([buffer], { type: 'image/jpeg' })
       *   document.querySelector('#photo').src = URL.createObjectURL(blob)
       */
      resolve(src, onError) {
        if (typeof node_buffer.Buffer === "function") {
          return node_buffer.Buffer.from(src, "base64");
        } else if (typeof atob === "function") {
          const str3 = atob(src.replace(/[\n\r]/g, ""));
          const buffer = new Uint8Array(str3.length);
          for (let i = 0; i < str3.length; ++i)
            buffer[i] = str3.charCodeAt(i);
          return buffer;
        } else {
          onError("This environment does not support reading binary tags; either Buffer or atob is required");
          return src;
        }
      },
      stringify({ comment, type, value }, ctx, onComment, onChompKeep) {
        if (!value)
          return "";
        const buf = value;
        let str3;
        if (typeof node_buffer.Buffer === "function") {
          str3 = buf instanceof node_buffer.Buffer ? buf.toString("base64") : node_buffer.Buffer.from(buf.buffer).toString("base64");
        } else if (typeof btoa === "function") {
          let s = "";
          for (let i = 0; i < buf.length; ++i)
            s += String.fromCharCode(buf[i]);
          str3 = btoa(s);
        } else {
          throw new Error("This environment does not support writing binary tags; either Buffer or btoa is required");
        }
        type ?? (type = Scalar.Scalar.BLOCK_LITERAL);
        if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
          const lineWidth = Math.max(ctx.options.lineWidth - ctx.indent.length, ctx.options.minContentWidth);
          const n = Math.ceil(str3.length / lineWidth);
          const lines = new Array(n);
          for (let i = 0, o = 0; i < n; ++i, o += lineWidth) {
            lines[i] = str3.substr(o, lineWidth);
          }
          str3 = lines.join(type === Scalar.Scalar.BLOCK_LITERAL ? "\n" : " ");
        }
        return stringifyString.stringifyString({ comment, type, value: str3 }, ctx, onComment, onChompKeep);
      }
    };
    exports.binary = binary;
  }
});

// npm/yaml/2.9.1/dist/schema/yaml-1.1/pairs.js
var require_pairs = __commonJS({
  "npm/yaml/2.9.1/dist/schema/yaml-1.1/pairs.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Pair = require_Pair();
    var Scalar = require_Scalar();
    var YAMLSeq = require_YAMLSeq();
    function resolvePairs(seq, onError) {
      if (identity.isSeq(seq)) {
        for (let i = 0; i < seq.items.length; ++i) {
          let item = seq.items[i];
          if (identity.isPair(item))
            continue;
          else if (identity.isMap(item)) {
            if (item.items.length > 1)
              onError("Each pair must have its own sequence indicator");
            const pair = item.items[0] || new Pair.Pair(new Scalar.Scalar(null));
            if (item.commentBefore)
              pair.key.commentBefore = pair.key.commentBefore ? `${item.commentBefore}
${pair.key.commentBefore}` : item.commentBefore;
            if (item.comment) {
              const cn = pair.value ?? pair.key;
              cn.comment = cn.comment ? `${item.comment}
${cn.comment}` : item.comment;
            }
            item = pair;
          }
          seq.items[i] = identity.isPair(item) ? item : new Pair.Pair(item);
        }
      } else
        onError("Expected a sequence for this tag");
      return seq;
    }
    function createPairs(schema, iterable, ctx) {
      const { replacer } = ctx;
      const pairs2 = new YAMLSeq.YAMLSeq(schema);
      pairs2.tag = "tag:yaml.org,2002:pairs";
      let i = 0;
      if (iterable && Symbol.iterator in Object(iterable))
        for (let it of iterable) {
          if (typeof replacer === "function")
            it = replacer.call(iterable, String(i++), it);
          let key, value;
          if (Array.isArray(it)) {
            if (it.length === 2) {
              key = it[0];
              value = it[1];
            } else
              throw new TypeError(`Expected [key, value] tuple: ${it}`);
          } else if (it && it instanceof Object) {
            const keys = Object.keys(it);
            if (keys.length === 1) {
              key = keys[0];
              value = it[key];
            } else {
              throw new TypeError(`Expected tuple with one key, not ${keys.length} keys`);
            }
          } else {
            key = it;
          }
          pairs2.items.push(Pair.createPair(key, value, ctx));
        }
      return pairs2;
    }
    var pairs = {
      collection: "seq",
      default: false,
      tag: "tag:yaml.org,2002:pairs",
      resolve: resolvePairs,
      createNode: createPairs
    };
    exports.createPairs = createPairs;
    exports.pairs = pairs;
    exports.resolvePairs = resolvePairs;
  }
});

// npm/yaml/2.9.1/dist/schema/yaml-1.1/omap.js
var require_omap = __commonJS({
  "npm/yaml/2.9.1/dist/schema/yaml-1.1/omap.js"(exports) {
    "use strict";
    var identity = require_identity();
    var toJS = require_toJS();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var pairs = require_pairs();
    var YAMLOMap = class _YAMLOMap extends YAMLSeq.YAMLSeq {
      constructor() {
        super();
        this.add = YAMLMap.YAMLMap.prototype.add.bind(this);
        this.delete = YAMLMap.YAMLMap.prototype.delete.bind(this);
        this.get = YAMLMap.YAMLMap.prototype.get.bind(this);
        this.has = YAMLMap.YAMLMap.prototype.has.bind(this);
        this.set = YAMLMap.YAMLMap.prototype.set.bind(this);
        this.tag = _YAMLOMap.tag;
      }
      /**
       * If `ctx` is given, the return type is actually `Map<unknown, unknown>`,
       * but TypeScript won't allow widening the signature of a child method.
       */
      toJSON(_, ctx) {
        if (!ctx)
          return super.toJSON(_);
        const map = /* @__PURE__ */ new Map();
        if (ctx?.onCreate)
          ctx.onCreate(map);
        for (const pair of this.items) {
          let key, value;
          if (identity.isPair(pair)) {
            key = toJS.toJS(pair.key, "", ctx);
            value = toJS.toJS(pair.value, key, ctx);
          } else {
            key = toJS.toJS(pair, "", ctx);
          }
          if (map.has(key))
            throw new Error("Ordered maps must not include duplicate keys");
          map.set(key, value);
        }
        return map;
      }
      static from(schema, iterable, ctx) {
        const pairs$1 = pairs.createPairs(schema, iterable, ctx);
        const omap2 = new this();
        omap2.items = pairs$1.items;
        return omap2;
      }
    };
    YAMLOMap.tag = "tag:yaml.org,2002:omap";
    var omap = {
      collection: "seq",
      identify: (value) => value instanceof Map,
      nodeClass: YAMLOMap,
      default: false,
      tag: "tag:yaml.org,2002:omap",
      resolve(seq, onError) {
        const pairs$1 = pairs.resolvePairs(seq, onError);
        const seenKeys = [];
        for (const { key } of pairs$1.items) {
          if (identity.isScalar(key)) {
            if (seenKeys.includes(key.value)) {
              onError(`Ordered maps must not include duplicate keys: ${key.value}`);
            } else {
              seenKeys.push(key.value);
            }
          }
        }
        return Object.assign(new YAMLOMap(), pairs$1);
      },
      createNode: (schema, iterable, ctx) => YAMLOMap.from(schema, iterable, ctx)
    };
    exports.YAMLOMap = YAMLOMap;
    exports.omap = omap;
  }
});

// npm/yaml/2.9.1/dist/schema/yaml-1.1/bool.js
var require_bool2 = __commonJS({
  "npm/yaml/2.9.1/dist/schema/yaml-1.1/bool.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    function boolStringify({ value, source }, ctx) {
      const boolObj = value ? trueTag : falseTag;
      if (source && boolObj.test.test(source))
        return source;
      return value ? ctx.options.trueStr : ctx.options.falseStr;
    }
    var trueTag = {
      identify: (value) => value === true,
      default: true,
      tag: "tag:yaml.org,2002:bool",
      test: /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
      resolve: () => new Scalar.Scalar(true),
      stringify: boolStringify
    };
    var falseTag = {
      identify: (value) => value === false,
      default: true,
      tag: "tag:yaml.org,2002:bool",
      test: /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
      resolve: () => new Scalar.Scalar(false),
      stringify: boolStringify
    };
    exports.falseTag = falseTag;
    exports.trueTag = trueTag;
  }
});

// npm/yaml/2.9.1/dist/schema/yaml-1.1/float.js
var require_float2 = __commonJS({
  "npm/yaml/2.9.1/dist/schema/yaml-1.1/float.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var stringifyNumber = require_stringifyNumber();
    var floatNaN = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
      resolve: (str3) => str3.slice(-3).toLowerCase() === "nan" ? NaN : str3[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY,
      stringify: stringifyNumber.stringifyNumber
    };
    var floatExp = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      format: "EXP",
      test: /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
      resolve: (str3) => parseFloat(str3.replace(/_/g, "")),
      stringify(node) {
        const num2 = Number(node.value);
        return isFinite(num2) ? num2.toExponential() : stringifyNumber.stringifyNumber(node);
      }
    };
    var float = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
      resolve(str3) {
        const node = new Scalar.Scalar(parseFloat(str3.replace(/_/g, "")));
        const dot = str3.indexOf(".");
        if (dot !== -1) {
          const f3 = str3.substring(dot + 1).replace(/_/g, "");
          if (f3[f3.length - 1] === "0")
            node.minFractionDigits = f3.length;
        }
        return node;
      },
      stringify: stringifyNumber.stringifyNumber
    };
    exports.float = float;
    exports.floatExp = floatExp;
    exports.floatNaN = floatNaN;
  }
});

// npm/yaml/2.9.1/dist/schema/yaml-1.1/int.js
var require_int2 = __commonJS({
  "npm/yaml/2.9.1/dist/schema/yaml-1.1/int.js"(exports) {
    "use strict";
    var stringifyNumber = require_stringifyNumber();
    var intIdentify = (value) => typeof value === "bigint" || Number.isInteger(value);
    function intResolve(str3, offset, radix, { intAsBigInt }) {
      const sign = str3[0];
      if (sign === "-" || sign === "+")
        offset += 1;
      str3 = str3.substring(offset).replace(/_/g, "");
      if (intAsBigInt) {
        switch (radix) {
          case 2:
            str3 = `0b${str3}`;
            break;
          case 8:
            str3 = `0o${str3}`;
            break;
          case 16:
            str3 = `0x${str3}`;
            break;
        }
        const n2 = BigInt(str3);
        return sign === "-" ? BigInt(-1) * n2 : n2;
      }
      const n = parseInt(str3, radix);
      return sign === "-" ? -1 * n : n;
    }
    function intStringify(node, radix, prefix) {
      const { value } = node;
      if (intIdentify(value)) {
        const str3 = value.toString(radix);
        return value < 0 ? "-" + prefix + str3.substr(1) : prefix + str3;
      }
      return stringifyNumber.stringifyNumber(node);
    }
    var intBin = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "BIN",
      test: /^[-+]?0b[0-1_]+$/,
      resolve: (str3, _onError, opt) => intResolve(str3, 2, 2, opt),
      stringify: (node) => intStringify(node, 2, "0b")
    };
    var intOct = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "OCT",
      test: /^[-+]?0[0-7_]+$/,
      resolve: (str3, _onError, opt) => intResolve(str3, 1, 8, opt),
      stringify: (node) => intStringify(node, 8, "0")
    };
    var int2 = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      test: /^[-+]?[0-9][0-9_]*$/,
      resolve: (str3, _onError, opt) => intResolve(str3, 0, 10, opt),
      stringify: stringifyNumber.stringifyNumber
    };
    var intHex = {
      identify: intIdentify,
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "HEX",
      test: /^[-+]?0x[0-9a-fA-F_]+$/,
      resolve: (str3, _onError, opt) => intResolve(str3, 2, 16, opt),
      stringify: (node) => intStringify(node, 16, "0x")
    };
    exports.int = int2;
    exports.intBin = intBin;
    exports.intHex = intHex;
    exports.intOct = intOct;
  }
});

// npm/yaml/2.9.1/dist/schema/yaml-1.1/set.js
var require_set = __commonJS({
  "npm/yaml/2.9.1/dist/schema/yaml-1.1/set.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Pair = require_Pair();
    var YAMLMap = require_YAMLMap();
    var YAMLSet = class _YAMLSet extends YAMLMap.YAMLMap {
      constructor(schema) {
        super(schema);
        this.tag = _YAMLSet.tag;
      }
      add(key) {
        let pair;
        if (identity.isPair(key))
          pair = key;
        else if (key && typeof key === "object" && "key" in key && "value" in key && key.value === null)
          pair = new Pair.Pair(key.key, null);
        else
          pair = new Pair.Pair(key, null);
        const prev = YAMLMap.findPair(this.items, pair.key);
        if (!prev)
          this.items.push(pair);
      }
      /**
       * If `keepPair` is `true`, returns the Pair matching `key`.
       * Otherwise, returns the value of that Pair's key.
       */
      get(key, keepPair) {
        const pair = YAMLMap.findPair(this.items, key);
        return !keepPair && identity.isPair(pair) ? identity.isScalar(pair.key) ? pair.key.value : pair.key : pair;
      }
      set(key, value) {
        if (typeof value !== "boolean")
          throw new Error(`Expected boolean value for set(key, value) in a YAML set, not ${typeof value}`);
        const prev = YAMLMap.findPair(this.items, key);
        if (prev && !value) {
          this.items.splice(this.items.indexOf(prev), 1);
        } else if (!prev && value) {
          this.items.push(new Pair.Pair(key));
        }
      }
      toJSON(_, ctx) {
        return super.toJSON(_, ctx, Set);
      }
      toString(ctx, onComment, onChompKeep) {
        if (!ctx)
          return JSON.stringify(this);
        if (this.hasAllNullValues(true))
          return super.toString(Object.assign({}, ctx, { allNullValues: true }), onComment, onChompKeep);
        else
          throw new Error("Set items must all have null values");
      }
      static from(schema, iterable, ctx) {
        const { replacer } = ctx;
        const set2 = new this(schema);
        if (iterable && Symbol.iterator in Object(iterable))
          for (let value of iterable) {
            if (typeof replacer === "function")
              value = replacer.call(iterable, value, value);
            set2.items.push(Pair.createPair(value, null, ctx));
          }
        return set2;
      }
    };
    YAMLSet.tag = "tag:yaml.org,2002:set";
    var set = {
      collection: "map",
      identify: (value) => value instanceof Set,
      nodeClass: YAMLSet,
      default: false,
      tag: "tag:yaml.org,2002:set",
      createNode: (schema, iterable, ctx) => YAMLSet.from(schema, iterable, ctx),
      resolve(map, onError) {
        if (identity.isMap(map)) {
          if (map.hasAllNullValues(true))
            return Object.assign(new YAMLSet(), map);
          else
            onError("Set items must all have null values");
        } else
          onError("Expected a mapping for this tag");
        return map;
      }
    };
    exports.YAMLSet = YAMLSet;
    exports.set = set;
  }
});

// npm/yaml/2.9.1/dist/schema/yaml-1.1/timestamp.js
var require_timestamp = __commonJS({
  "npm/yaml/2.9.1/dist/schema/yaml-1.1/timestamp.js"(exports) {
    "use strict";
    var stringifyNumber = require_stringifyNumber();
    function parseSexagesimal(str3, asBigInt) {
      const sign = str3[0];
      const parts = sign === "-" || sign === "+" ? str3.substring(1) : str3;
      const num2 = (n) => asBigInt ? BigInt(n) : Number(n);
      const res = parts.replace(/_/g, "").split(":").reduce((res2, p) => res2 * num2(60) + num2(p), num2(0));
      return sign === "-" ? num2(-1) * res : res;
    }
    function stringifySexagesimal(node) {
      let { value } = node;
      let num2 = (n) => n;
      if (typeof value === "bigint")
        num2 = (n) => BigInt(n);
      else if (isNaN(value) || !isFinite(value))
        return stringifyNumber.stringifyNumber(node);
      let sign = "";
      if (value < 0) {
        sign = "-";
        value *= num2(-1);
      }
      const _60 = num2(60);
      const parts = [value % _60];
      if (value < 60) {
        parts.unshift(0);
      } else {
        value = (value - parts[0]) / _60;
        parts.unshift(value % _60);
        if (value >= 60) {
          value = (value - parts[0]) / _60;
          parts.unshift(value);
        }
      }
      return sign + parts.map((n) => String(n).padStart(2, "0")).join(":").replace(/000000\d*$/, "");
    }
    var intTime = {
      identify: (value) => typeof value === "bigint" || Number.isInteger(value),
      default: true,
      tag: "tag:yaml.org,2002:int",
      format: "TIME",
      test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
      resolve: (str3, _onError, { intAsBigInt }) => parseSexagesimal(str3, intAsBigInt),
      stringify: stringifySexagesimal
    };
    var floatTime = {
      identify: (value) => typeof value === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      format: "TIME",
      test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
      resolve: (str3) => parseSexagesimal(str3, false),
      stringify: stringifySexagesimal
    };
    var timestamp = {
      identify: (value) => value instanceof Date,
      default: true,
      tag: "tag:yaml.org,2002:timestamp",
      // If the time zone is omitted, the timestamp is assumed to be specified in UTC. The time part
      // may be omitted altogether, resulting in a date format. In such a case, the time part is
      // assumed to be 00:00:00Z (start of day, UTC).
      test: RegExp("^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:t|T|[ \\t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$"),
      resolve(str3) {
        const match = str3.match(timestamp.test);
        if (!match)
          throw new Error("!!timestamp expects a date, starting with yyyy-mm-dd");
        const [, year, month, day, hour, minute, second] = match.map(Number);
        const millisec = match[7] ? Number((match[7] + "00").substr(1, 3)) : 0;
        let date = Date.UTC(year, month - 1, day, hour || 0, minute || 0, second || 0, millisec);
        const tz = match[8];
        if (tz && tz !== "Z") {
          let d = parseSexagesimal(tz, false);
          if (Math.abs(d) < 30)
            d *= 60;
          date -= 6e4 * d;
        }
        return new Date(date);
      },
      stringify: ({ value }) => value?.toISOString().replace(/(T00:00:00)?\.000Z$/, "") ?? ""
    };
    exports.floatTime = floatTime;
    exports.intTime = intTime;
    exports.timestamp = timestamp;
  }
});

// npm/yaml/2.9.1/dist/schema/yaml-1.1/schema.js
var require_schema3 = __commonJS({
  "npm/yaml/2.9.1/dist/schema/yaml-1.1/schema.js"(exports) {
    "use strict";
    var map = require_map();
    var _null = require_null();
    var seq = require_seq();
    var string = require_string();
    var binary = require_binary();
    var bool = require_bool2();
    var float = require_float2();
    var int2 = require_int2();
    var merge = require_merge();
    var omap = require_omap();
    var pairs = require_pairs();
    var set = require_set();
    var timestamp = require_timestamp();
    var schema = [
      map.map,
      seq.seq,
      string.string,
      _null.nullTag,
      bool.trueTag,
      bool.falseTag,
      int2.intBin,
      int2.intOct,
      int2.int,
      int2.intHex,
      float.floatNaN,
      float.floatExp,
      float.float,
      binary.binary,
      merge.merge,
      omap.omap,
      pairs.pairs,
      set.set,
      timestamp.intTime,
      timestamp.floatTime,
      timestamp.timestamp
    ];
    exports.schema = schema;
  }
});

// npm/yaml/2.9.1/dist/schema/tags.js
var require_tags = __commonJS({
  "npm/yaml/2.9.1/dist/schema/tags.js"(exports) {
    "use strict";
    var map = require_map();
    var _null = require_null();
    var seq = require_seq();
    var string = require_string();
    var bool = require_bool();
    var float = require_float();
    var int2 = require_int();
    var schema = require_schema();
    var schema$1 = require_schema2();
    var binary = require_binary();
    var merge = require_merge();
    var omap = require_omap();
    var pairs = require_pairs();
    var schema$2 = require_schema3();
    var set = require_set();
    var timestamp = require_timestamp();
    var schemas = /* @__PURE__ */ new Map([
      ["core", schema.schema],
      ["failsafe", [map.map, seq.seq, string.string]],
      ["json", schema$1.schema],
      ["yaml11", schema$2.schema],
      ["yaml-1.1", schema$2.schema]
    ]);
    var tagsByName = {
      binary: binary.binary,
      bool: bool.boolTag,
      float: float.float,
      floatExp: float.floatExp,
      floatNaN: float.floatNaN,
      floatTime: timestamp.floatTime,
      int: int2.int,
      intHex: int2.intHex,
      intOct: int2.intOct,
      intTime: timestamp.intTime,
      map: map.map,
      merge: merge.merge,
      null: _null.nullTag,
      omap: omap.omap,
      pairs: pairs.pairs,
      seq: seq.seq,
      set: set.set,
      timestamp: timestamp.timestamp
    };
    var coreKnownTags = {
      "tag:yaml.org,2002:binary": binary.binary,
      "tag:yaml.org,2002:merge": merge.merge,
      "tag:yaml.org,2002:omap": omap.omap,
      "tag:yaml.org,2002:pairs": pairs.pairs,
      "tag:yaml.org,2002:set": set.set,
      "tag:yaml.org,2002:timestamp": timestamp.timestamp
    };
    function getTags(customTags, schemaName, addMergeTag) {
      const schemaTags = schemas.get(schemaName);
      if (schemaTags && !customTags) {
        return addMergeTag && !schemaTags.includes(merge.merge) ? schemaTags.concat(merge.merge) : schemaTags.slice();
      }
      let tags = schemaTags;
      if (!tags) {
        if (Array.isArray(customTags))
          tags = [];
        else {
          const keys = Array.from(schemas.keys()).filter((key) => key !== "yaml11").map((key) => JSON.stringify(key)).join(", ");
          throw new Error(`Unknown schema "${schemaName}"; use one of ${keys} or define customTags array`);
        }
      }
      if (Array.isArray(customTags)) {
        for (const tag of customTags)
          tags = tags.concat(tag);
      } else if (typeof customTags === "function") {
        tags = customTags(tags.slice());
      }
      if (addMergeTag)
        tags = tags.concat(merge.merge);
      return tags.reduce((tags2, tag) => {
        const tagObj = typeof tag === "string" ? tagsByName[tag] : tag;
        if (!tagObj) {
          const tagName = JSON.stringify(tag);
          const keys = Object.keys(tagsByName).map((key) => JSON.stringify(key)).join(", ");
          throw new Error(`Unknown custom tag ${tagName}; use one of ${keys}`);
        }
        if (!tags2.includes(tagObj))
          tags2.push(tagObj);
        return tags2;
      }, []);
    }
    exports.coreKnownTags = coreKnownTags;
    exports.getTags = getTags;
  }
});

// npm/yaml/2.9.1/dist/schema/Schema.js
var require_Schema = __commonJS({
  "npm/yaml/2.9.1/dist/schema/Schema.js"(exports) {
    "use strict";
    var identity = require_identity();
    var map = require_map();
    var seq = require_seq();
    var string = require_string();
    var tags = require_tags();
    var sortMapEntriesByKey = (a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    var Schema = class _Schema {
      constructor({ compat, customTags, merge, resolveKnownTags, schema, sortMapEntries, toStringDefaults }) {
        this.compat = Array.isArray(compat) ? tags.getTags(compat, "compat") : compat ? tags.getTags(null, compat) : null;
        this.name = typeof schema === "string" && schema || "core";
        this.knownTags = resolveKnownTags ? tags.coreKnownTags : {};
        this.tags = tags.getTags(customTags, this.name, merge);
        this.toStringOptions = toStringDefaults ?? null;
        Object.defineProperty(this, identity.MAP, { value: map.map });
        Object.defineProperty(this, identity.SCALAR, { value: string.string });
        Object.defineProperty(this, identity.SEQ, { value: seq.seq });
        this.sortMapEntries = typeof sortMapEntries === "function" ? sortMapEntries : sortMapEntries === true ? sortMapEntriesByKey : null;
      }
      clone() {
        const copy = Object.create(_Schema.prototype, Object.getOwnPropertyDescriptors(this));
        copy.tags = this.tags.slice();
        return copy;
      }
    };
    exports.Schema = Schema;
  }
});

// npm/yaml/2.9.1/dist/stringify/stringifyDocument.js
var require_stringifyDocument = __commonJS({
  "npm/yaml/2.9.1/dist/stringify/stringifyDocument.js"(exports) {
    "use strict";
    var identity = require_identity();
    var stringify = require_stringify();
    var stringifyComment = require_stringifyComment();
    function stringifyDocument(doc, options) {
      const lines = [];
      let hasDirectives = options.directives === true;
      if (options.directives !== false && doc.directives) {
        const dir = doc.directives.toString(doc);
        if (dir) {
          lines.push(dir);
          hasDirectives = true;
        } else if (doc.directives.docStart)
          hasDirectives = true;
      }
      if (hasDirectives)
        lines.push("---");
      const ctx = stringify.createStringifyContext(doc, options);
      const { commentString } = ctx.options;
      if (doc.commentBefore) {
        if (lines.length !== 1)
          lines.unshift("");
        const cs = commentString(doc.commentBefore);
        lines.unshift(stringifyComment.indentComment(cs, ""));
      }
      let chompKeep = false;
      let contentComment = null;
      if (doc.contents) {
        if (identity.isNode(doc.contents)) {
          if (doc.contents.spaceBefore && hasDirectives)
            lines.push("");
          if (doc.contents.commentBefore) {
            const cs = commentString(doc.contents.commentBefore);
            lines.push(stringifyComment.indentComment(cs, ""));
          }
          ctx.forceBlockIndent = !!doc.comment;
          contentComment = doc.contents.comment;
        }
        const onChompKeep = contentComment ? void 0 : () => chompKeep = true;
        let body = stringify.stringify(doc.contents, ctx, () => contentComment = null, onChompKeep);
        if (contentComment)
          body += stringifyComment.lineComment(body, "", commentString(contentComment));
        if ((body[0] === "|" || body[0] === ">") && lines[lines.length - 1] === "---") {
          lines[lines.length - 1] = `--- ${body}`;
        } else
          lines.push(body);
      } else {
        lines.push(stringify.stringify(doc.contents, ctx));
      }
      if (doc.directives?.docEnd) {
        if (doc.comment) {
          const cs = commentString(doc.comment);
          if (cs.includes("\n")) {
            lines.push("...");
            lines.push(stringifyComment.indentComment(cs, ""));
          } else {
            lines.push(`... ${cs}`);
          }
        } else {
          lines.push("...");
        }
      } else {
        let dc = doc.comment;
        if (dc && chompKeep)
          dc = dc.replace(/^\n+/, "");
        if (dc) {
          if ((!chompKeep || contentComment) && lines[lines.length - 1] !== "")
            lines.push("");
          lines.push(stringifyComment.indentComment(commentString(dc), ""));
        }
      }
      return lines.join("\n") + "\n";
    }
    exports.stringifyDocument = stringifyDocument;
  }
});

// npm/yaml/2.9.1/dist/doc/Document.js
var require_Document = __commonJS({
  "npm/yaml/2.9.1/dist/doc/Document.js"(exports) {
    "use strict";
    var Alias = require_Alias();
    var Collection = require_Collection();
    var identity = require_identity();
    var Pair = require_Pair();
    var toJS = require_toJS();
    var Schema = require_Schema();
    var stringifyDocument = require_stringifyDocument();
    var anchors = require_anchors();
    var applyReviver = require_applyReviver();
    var createNode = require_createNode();
    var directives = require_directives();
    var Document = class _Document {
      constructor(value, replacer, options) {
        this.commentBefore = null;
        this.comment = null;
        this.errors = [];
        this.warnings = [];
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.DOC });
        let _replacer = null;
        if (typeof replacer === "function" || Array.isArray(replacer)) {
          _replacer = replacer;
        } else if (options === void 0 && replacer) {
          options = replacer;
          replacer = void 0;
        }
        const opt = Object.assign({
          intAsBigInt: false,
          keepSourceTokens: false,
          logLevel: "warn",
          prettyErrors: true,
          strict: true,
          stringKeys: false,
          uniqueKeys: true,
          version: "1.2"
        }, options);
        this.options = opt;
        let { version } = opt;
        if (options?._directives) {
          this.directives = options._directives.atDocument();
          if (this.directives.yaml.explicit)
            version = this.directives.yaml.version;
        } else
          this.directives = new directives.Directives({ version });
        this.setSchema(version, options);
        this.contents = value === void 0 ? null : this.createNode(value, _replacer, options);
      }
      /**
       * Create a deep copy of this Document and its contents.
       *
       * Custom Node values that inherit from `Object` still refer to their original instances.
       */
      clone() {
        const copy = Object.create(_Document.prototype, {
          [identity.NODE_TYPE]: { value: identity.DOC }
        });
        copy.commentBefore = this.commentBefore;
        copy.comment = this.comment;
        copy.errors = this.errors.slice();
        copy.warnings = this.warnings.slice();
        copy.options = Object.assign({}, this.options);
        if (this.directives)
          copy.directives = this.directives.clone();
        copy.schema = this.schema.clone();
        copy.contents = identity.isNode(this.contents) ? this.contents.clone(copy.schema) : this.contents;
        if (this.range)
          copy.range = this.range.slice();
        return copy;
      }
      /** Adds a value to the document. */
      add(value) {
        if (assertCollection(this.contents))
          this.contents.add(value);
      }
      /** Adds a value to the document. */
      addIn(path, value) {
        if (assertCollection(this.contents))
          this.contents.addIn(path, value);
      }
      /**
       * Create a new `Alias` node, ensuring that the target `node` has the required anchor.
       *
       * If `node` already has an anchor, `name` is ignored.
       * Otherwise, the `node.anchor` value will be set to `name`,
       * or if an anchor with that name is already present in the document,
       * `name` will be used as a prefix for a new unique anchor.
       * If `name` is undefined, the generated anchor will use 'a' as a prefix.
       */
      createAlias(node, name) {
        if (!node.anchor) {
          const prev = anchors.anchorNames(this);
          node.anchor = // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
          !name || prev.has(name) ? anchors.findNewAnchor(name || "a", prev) : name;
        }
        return new Alias.Alias(node.anchor);
      }
      createNode(value, replacer, options) {
        let _replacer = void 0;
        if (typeof replacer === "function") {
          value = replacer.call({ "": value }, "", value);
          _replacer = replacer;
        } else if (Array.isArray(replacer)) {
          const keyToStr = (v) => typeof v === "number" || v instanceof String || v instanceof Number;
          const asStr = replacer.filter(keyToStr).map(String);
          if (asStr.length > 0)
            replacer = replacer.concat(asStr);
          _replacer = replacer;
        } else if (options === void 0 && replacer) {
          options = replacer;
          replacer = void 0;
        }
        const { aliasDuplicateObjects, anchorPrefix, flow, keepUndefined, onTagObj, tag } = options ?? {};
        const { onAnchor, setAnchors, sourceObjects } = anchors.createNodeAnchors(
          this,
          // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
          anchorPrefix || "a"
        );
        const ctx = {
          aliasDuplicateObjects: aliasDuplicateObjects ?? true,
          keepUndefined: keepUndefined ?? false,
          onAnchor,
          onTagObj,
          replacer: _replacer,
          schema: this.schema,
          sourceObjects
        };
        const node = createNode.createNode(value, tag, ctx);
        if (flow && identity.isCollection(node))
          node.flow = true;
        setAnchors();
        return node;
      }
      /**
       * Convert a key and a value into a `Pair` using the current schema,
       * recursively wrapping all values as `Scalar` or `Collection` nodes.
       */
      createPair(key, value, options = {}) {
        const k = this.createNode(key, null, options);
        const v = this.createNode(value, null, options);
        return new Pair.Pair(k, v);
      }
      /**
       * Removes a value from the document.
       * @returns `true` if the item was found and removed.
       */
      delete(key) {
        return assertCollection(this.contents) ? this.contents.delete(key) : false;
      }
      /**
       * Removes a value from the document.
       * @returns `true` if the item was found and removed.
       */
      deleteIn(path) {
        if (Collection.isEmptyPath(path)) {
          if (this.contents == null)
            return false;
          this.contents = null;
          return true;
        }
        return assertCollection(this.contents) ? this.contents.deleteIn(path) : false;
      }
      /**
       * Returns item at `key`, or `undefined` if not found. By default unwraps
       * scalar values from their surrounding node; to disable set `keepScalar` to
       * `true` (collections are always returned intact).
       */
      get(key, keepScalar) {
        return identity.isCollection(this.contents) ? this.contents.get(key, keepScalar) : void 0;
      }
      /**
       * Returns item at `path`, or `undefined` if not found. By default unwraps
       * scalar values from their surrounding node; to disable set `keepScalar` to
       * `true` (collections are always returned intact).
       */
      getIn(path, keepScalar) {
        if (Collection.isEmptyPath(path))
          return !keepScalar && identity.isScalar(this.contents) ? this.contents.value : this.contents;
        return identity.isCollection(this.contents) ? this.contents.getIn(path, keepScalar) : void 0;
      }
      /**
       * Checks if the document includes a value with the key `key`.
       */
      has(key) {
        return identity.isCollection(this.contents) ? this.contents.has(key) : false;
      }
      /**
       * Checks if the document includes a value at `path`.
       */
      hasIn(path) {
        if (Collection.isEmptyPath(path))
          return this.contents !== void 0;
        return identity.isCollection(this.contents) ? this.contents.hasIn(path) : false;
      }
      /**
       * Sets a value in this document. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       */
      set(key, value) {
        if (this.contents == null) {
          this.contents = Collection.collectionFromPath(this.schema, [key], value);
        } else if (assertCollection(this.contents)) {
          this.contents.set(key, value);
        }
      }
      /**
       * Sets a value in this document. For `!!set`, `value` needs to be a
       * boolean to add/remove the item from the set.
       */
      setIn(path, value) {
        if (Collection.isEmptyPath(path)) {
          this.contents = value;
        } else if (this.contents == null) {
          this.contents = Collection.collectionFromPath(this.schema, Array.from(path), value);
        } else if (assertCollection(this.contents)) {
          this.contents.setIn(path, value);
        }
      }
      /**
       * Change the YAML version and schema used by the document.
       * A `null` version disables support for directives, explicit tags, anchors, and aliases.
       * It also requires the `schema` option to be given as a `Schema` instance value.
       *
       * Overrides all previously set schema options.
       */
      setSchema(version, options = {}) {
        if (typeof version === "number")
          version = String(version);
        let opt;
        switch (version) {
          case "1.1":
            if (this.directives)
              this.directives.yaml.version = "1.1";
            else
              this.directives = new directives.Directives({ version: "1.1" });
            opt = { resolveKnownTags: false, schema: "yaml-1.1" };
            break;
          case "1.2":
          case "next":
            if (this.directives)
              this.directives.yaml.version = version;
            else
              this.directives = new directives.Directives({ version });
            opt = { resolveKnownTags: true, schema: "core" };
            break;
          case null:
            if (this.directives)
              delete this.directives;
            opt = null;
            break;
          default: {
            const sv = JSON.stringify(version);
            throw new Error(`Expected '1.1', '1.2' or null as first argument, but found: ${sv}`);
          }
        }
        if (options.schema instanceof Object)
          this.schema = options.schema;
        else if (opt)
          this.schema = new Schema.Schema(Object.assign(opt, options));
        else
          throw new Error(`With a null YAML version, the { schema: Schema } option is required`);
      }
      // json & jsonArg are only used from toJSON()
      toJS({ json, jsonArg, mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        const ctx = {
          anchors: /* @__PURE__ */ new Map(),
          doc: this,
          keep: !json,
          mapAsMap: mapAsMap === true,
          mapKeyWarned: false,
          maxAliasCount: typeof maxAliasCount === "number" ? maxAliasCount : 100
        };
        const res = toJS.toJS(this.contents, jsonArg ?? "", ctx);
        if (typeof onAnchor === "function")
          for (const { count, res: res2 } of ctx.anchors.values())
            onAnchor(res2, count);
        return typeof reviver === "function" ? applyReviver.applyReviver(reviver, { "": res }, "", res) : res;
      }
      /**
       * A JSON representation of the document `contents`.
       *
       * @param jsonArg Used by `JSON.stringify` to indicate the array index or
       *   property name.
       */
      toJSON(jsonArg, onAnchor) {
        return this.toJS({ json: true, jsonArg, mapAsMap: false, onAnchor });
      }
      /** A YAML representation of the document. */
      toString(options = {}) {
        if (this.errors.length > 0)
          throw new Error("Document with errors cannot be stringified");
        if ("indent" in options && (!Number.isInteger(options.indent) || Number(options.indent) <= 0)) {
          const s = JSON.stringify(options.indent);
          throw new Error(`"indent" option must be a positive integer, not ${s}`);
        }
        return stringifyDocument.stringifyDocument(this, options);
      }
    };
    function assertCollection(contents) {
      if (identity.isCollection(contents))
        return true;
      throw new Error("Expected a YAML collection as document contents");
    }
    exports.Document = Document;
  }
});

// npm/yaml/2.9.1/dist/errors.js
var require_errors = __commonJS({
  "npm/yaml/2.9.1/dist/errors.js"(exports) {
    "use strict";
    var YAMLError = class extends Error {
      constructor(name, pos, code, message) {
        super();
        this.name = name;
        this.code = code;
        this.message = message;
        this.pos = pos;
      }
    };
    var YAMLParseError = class extends YAMLError {
      constructor(pos, code, message) {
        super("YAMLParseError", pos, code, message);
      }
    };
    var YAMLWarning = class extends YAMLError {
      constructor(pos, code, message) {
        super("YAMLWarning", pos, code, message);
      }
    };
    var prettifyError = (src, lc) => (error) => {
      if (error.pos[0] === -1)
        return;
      error.linePos = error.pos.map((pos) => lc.linePos(pos));
      const { line, col } = error.linePos[0];
      error.message += ` at line ${line}, column ${col}`;
      let ci = col - 1;
      let lineStr = src.substring(lc.lineStarts[line - 1], lc.lineStarts[line]).replace(/[\n\r]+$/, "");
      if (ci >= 60 && lineStr.length > 80) {
        const trimStart = Math.min(ci - 39, lineStr.length - 79);
        lineStr = "…" + lineStr.substring(trimStart);
        ci -= trimStart - 1;
      }
      if (lineStr.length > 80)
        lineStr = lineStr.substring(0, 79) + "…";
      if (line > 1 && /^ *$/.test(lineStr.substring(0, ci))) {
        let prev = src.substring(lc.lineStarts[line - 2], lc.lineStarts[line - 1]);
        if (prev.length > 80)
          prev = prev.substring(0, 79) + "…\n";
        lineStr = prev + lineStr;
      }
      if (/[^ ]/.test(lineStr)) {
        let count = 1;
        const end = error.linePos[1];
        if (end?.line === line && end.col > col) {
          count = Math.max(1, Math.min(end.col - col, 80 - ci));
        }
        const pointer = " ".repeat(ci) + "^".repeat(count);
        error.message += `:

${lineStr}
${pointer}
`;
      }
    };
    exports.YAMLError = YAMLError;
    exports.YAMLParseError = YAMLParseError;
    exports.YAMLWarning = YAMLWarning;
    exports.prettifyError = prettifyError;
  }
});

// npm/yaml/2.9.1/dist/compose/resolve-props.js
var require_resolve_props = __commonJS({
  "npm/yaml/2.9.1/dist/compose/resolve-props.js"(exports) {
    "use strict";
    function resolveProps(tokens, { flow, indicator, next, offset, onError, parentIndent, startOnNewline }) {
      let spaceBefore = false;
      let atNewline = startOnNewline;
      let hasSpace = startOnNewline;
      let comment = "";
      let commentSep = "";
      let hasNewline = false;
      let reqSpace = false;
      let tab = null;
      let anchor = null;
      let tag = null;
      let newlineAfterProp = null;
      let comma = null;
      let found = null;
      let start = null;
      for (const token of tokens) {
        if (reqSpace) {
          if (token.type !== "space" && token.type !== "newline" && token.type !== "comma")
            onError(token.offset, "MISSING_CHAR", "Tags and anchors must be separated from the next token by white space");
          reqSpace = false;
        }
        if (tab) {
          if (atNewline && token.type !== "comment" && token.type !== "newline") {
            onError(tab, "TAB_AS_INDENT", "Tabs are not allowed as indentation");
          }
          tab = null;
        }
        switch (token.type) {
          case "space":
            if (!flow && (indicator !== "doc-start" || next?.type !== "flow-collection") && token.source.includes("	")) {
              tab = token;
            }
            hasSpace = true;
            break;
          case "comment": {
            if (!hasSpace)
              onError(token, "MISSING_CHAR", "Comments must be separated from other tokens by white space characters");
            const cb = token.source.substring(1) || " ";
            if (!comment)
              comment = cb;
            else
              comment += commentSep + cb;
            commentSep = "";
            atNewline = false;
            break;
          }
          case "newline":
            if (atNewline) {
              if (comment)
                comment += token.source;
              else if (!found || indicator !== "seq-item-ind")
                spaceBefore = true;
            } else
              commentSep += token.source;
            atNewline = true;
            hasNewline = true;
            if (anchor || tag)
              newlineAfterProp = token;
            hasSpace = true;
            break;
          case "anchor":
            if (anchor)
              onError(token, "MULTIPLE_ANCHORS", "A node can have at most one anchor");
            if (token.source.endsWith(":"))
              onError(token.offset + token.source.length - 1, "BAD_ALIAS", "Anchor ending in : is ambiguous", true);
            anchor = token;
            start ?? (start = token.offset);
            atNewline = false;
            hasSpace = false;
            reqSpace = true;
            break;
          case "tag": {
            if (tag)
              onError(token, "MULTIPLE_TAGS", "A node can have at most one tag");
            tag = token;
            start ?? (start = token.offset);
            atNewline = false;
            hasSpace = false;
            reqSpace = true;
            break;
          }
          case indicator:
            if (anchor || tag)
              onError(token, "BAD_PROP_ORDER", `Anchors and tags must be after the ${token.source} indicator`);
            if (found)
              onError(token, "UNEXPECTED_TOKEN", `Unexpected ${token.source} in ${flow ?? "collection"}`);
            found = token;
            atNewline = indicator === "seq-item-ind" || indicator === "explicit-key-ind";
            hasSpace = false;
            break;
          case "comma":
            if (flow) {
              if (comma)
                onError(token, "UNEXPECTED_TOKEN", `Unexpected , in ${flow}`);
              comma = token;
              atNewline = false;
              hasSpace = false;
              break;
            }
          // else fallthrough
          default:
            onError(token, "UNEXPECTED_TOKEN", `Unexpected ${token.type} token`);
            atNewline = false;
            hasSpace = false;
        }
      }
      const last = tokens[tokens.length - 1];
      const end = last ? last.offset + last.source.length : offset;
      if (reqSpace && next && next.type !== "space" && next.type !== "newline" && next.type !== "comma" && (next.type !== "scalar" || next.source !== "")) {
        onError(next.offset, "MISSING_CHAR", "Tags and anchors must be separated from the next token by white space");
      }
      if (tab && (atNewline && tab.indent <= parentIndent || next?.type === "block-map" || next?.type === "block-seq"))
        onError(tab, "TAB_AS_INDENT", "Tabs are not allowed as indentation");
      return {
        comma,
        found,
        spaceBefore,
        comment,
        hasNewline,
        anchor,
        tag,
        newlineAfterProp,
        end,
        start: start ?? end
      };
    }
    exports.resolveProps = resolveProps;
  }
});

// npm/yaml/2.9.1/dist/compose/util-contains-newline.js
var require_util_contains_newline = __commonJS({
  "npm/yaml/2.9.1/dist/compose/util-contains-newline.js"(exports) {
    "use strict";
    function containsNewline(key) {
      if (!key)
        return null;
      switch (key.type) {
        case "alias":
        case "scalar":
        case "double-quoted-scalar":
        case "single-quoted-scalar":
          if (key.source.includes("\n"))
            return true;
          if (key.end) {
            for (const st of key.end)
              if (st.type === "newline")
                return true;
          }
          return false;
        case "flow-collection":
          for (const it of key.items) {
            for (const st of it.start)
              if (st.type === "newline")
                return true;
            if (it.sep) {
              for (const st of it.sep)
                if (st.type === "newline")
                  return true;
            }
            if (containsNewline(it.key) || containsNewline(it.value))
              return true;
          }
          return false;
        default:
          return true;
      }
    }
    exports.containsNewline = containsNewline;
  }
});

// npm/yaml/2.9.1/dist/compose/util-flow-indent-check.js
var require_util_flow_indent_check = __commonJS({
  "npm/yaml/2.9.1/dist/compose/util-flow-indent-check.js"(exports) {
    "use strict";
    var utilContainsNewline = require_util_contains_newline();
    function flowIndentCheck(indent, fc, onError) {
      if (fc?.type === "flow-collection") {
        const end = fc.end[0];
        if (end.indent === indent && (end.source === "]" || end.source === "}") && utilContainsNewline.containsNewline(fc)) {
          const msg = "Flow end indicator should be more indented than parent";
          onError(end, "BAD_INDENT", msg, true);
        }
      }
    }
    exports.flowIndentCheck = flowIndentCheck;
  }
});

// npm/yaml/2.9.1/dist/compose/util-map-includes.js
var require_util_map_includes = __commonJS({
  "npm/yaml/2.9.1/dist/compose/util-map-includes.js"(exports) {
    "use strict";
    var identity = require_identity();
    function mapIncludes(ctx, items2, search) {
      const { uniqueKeys } = ctx.options;
      if (uniqueKeys === false)
        return false;
      const isEqual = typeof uniqueKeys === "function" ? uniqueKeys : (a, b) => a === b || identity.isScalar(a) && identity.isScalar(b) && a.value === b.value;
      return items2.some((pair) => isEqual(pair.key, search));
    }
    exports.mapIncludes = mapIncludes;
  }
});

// npm/yaml/2.9.1/dist/compose/resolve-block-map.js
var require_resolve_block_map = __commonJS({
  "npm/yaml/2.9.1/dist/compose/resolve-block-map.js"(exports) {
    "use strict";
    var Pair = require_Pair();
    var YAMLMap = require_YAMLMap();
    var resolveProps = require_resolve_props();
    var utilContainsNewline = require_util_contains_newline();
    var utilFlowIndentCheck = require_util_flow_indent_check();
    var utilMapIncludes = require_util_map_includes();
    var startColMsg = "All mapping items must start at the same column";
    function resolveBlockMap({ composeNode, composeEmptyNode }, ctx, bm, onError, tag) {
      const NodeClass = tag?.nodeClass ?? YAMLMap.YAMLMap;
      const map = new NodeClass(ctx.schema);
      if (ctx.atRoot)
        ctx.atRoot = false;
      let offset = bm.offset;
      let commentEnd = null;
      for (const collItem of bm.items) {
        const { start, key, sep, value } = collItem;
        const keyProps = resolveProps.resolveProps(start, {
          indicator: "explicit-key-ind",
          next: key ?? sep?.[0],
          offset,
          onError,
          parentIndent: bm.indent,
          startOnNewline: true
        });
        const implicitKey = !keyProps.found;
        if (implicitKey) {
          if (key) {
            if (key.type === "block-seq")
              onError(offset, "BLOCK_AS_IMPLICIT_KEY", "A block sequence may not be used as an implicit map key");
            else if ("indent" in key && key.indent !== bm.indent)
              onError(offset, "BAD_INDENT", startColMsg);
          }
          if (!keyProps.anchor && !keyProps.tag && !sep) {
            commentEnd = keyProps.end;
            if (keyProps.comment) {
              if (map.comment)
                map.comment += "\n" + keyProps.comment;
              else
                map.comment = keyProps.comment;
            }
            continue;
          }
          if (keyProps.newlineAfterProp || utilContainsNewline.containsNewline(key)) {
            onError(key ?? start[start.length - 1], "MULTILINE_IMPLICIT_KEY", "Implicit keys need to be on a single line");
          }
        } else if (keyProps.found?.indent !== bm.indent) {
          onError(offset, "BAD_INDENT", startColMsg);
        }
        ctx.atKey = true;
        const keyStart = keyProps.end;
        const keyNode = key ? composeNode(ctx, key, keyProps, onError) : composeEmptyNode(ctx, keyStart, start, null, keyProps, onError);
        if (ctx.schema.compat)
          utilFlowIndentCheck.flowIndentCheck(bm.indent, key, onError);
        ctx.atKey = false;
        if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
          onError(keyStart, "DUPLICATE_KEY", "Map keys must be unique");
        const valueProps = resolveProps.resolveProps(sep ?? [], {
          indicator: "map-value-ind",
          next: value,
          offset: keyNode.range[2],
          onError,
          parentIndent: bm.indent,
          startOnNewline: !key || key.type === "block-scalar"
        });
        offset = valueProps.end;
        if (valueProps.found) {
          if (implicitKey) {
            if (value?.type === "block-map" && !valueProps.hasNewline)
              onError(offset, "BLOCK_AS_IMPLICIT_KEY", "Nested mappings are not allowed in compact mappings");
            if (ctx.options.strict && keyProps.start < valueProps.found.offset - 1024)
              onError(keyNode.range, "KEY_OVER_1024_CHARS", "The : indicator must be at most 1024 chars after the start of an implicit block mapping key");
          }
          const valueNode = value ? composeNode(ctx, value, valueProps, onError) : composeEmptyNode(ctx, offset, sep, null, valueProps, onError);
          if (ctx.schema.compat)
            utilFlowIndentCheck.flowIndentCheck(bm.indent, value, onError);
          offset = valueNode.range[2];
          const pair = new Pair.Pair(keyNode, valueNode);
          if (ctx.options.keepSourceTokens)
            pair.srcToken = collItem;
          map.items.push(pair);
        } else {
          if (implicitKey)
            onError(keyNode.range, "MISSING_CHAR", "Implicit map keys need to be followed by map values");
          if (valueProps.comment) {
            if (keyNode.comment)
              keyNode.comment += "\n" + valueProps.comment;
            else
              keyNode.comment = valueProps.comment;
          }
          const pair = new Pair.Pair(keyNode);
          if (ctx.options.keepSourceTokens)
            pair.srcToken = collItem;
          map.items.push(pair);
        }
      }
      if (commentEnd && commentEnd < offset)
        onError(commentEnd, "IMPOSSIBLE", "Map comment with trailing content");
      map.range = [bm.offset, offset, commentEnd ?? offset];
      return map;
    }
    exports.resolveBlockMap = resolveBlockMap;
  }
});

// npm/yaml/2.9.1/dist/compose/resolve-block-seq.js
var require_resolve_block_seq = __commonJS({
  "npm/yaml/2.9.1/dist/compose/resolve-block-seq.js"(exports) {
    "use strict";
    var YAMLSeq = require_YAMLSeq();
    var resolveProps = require_resolve_props();
    var utilFlowIndentCheck = require_util_flow_indent_check();
    function resolveBlockSeq({ composeNode, composeEmptyNode }, ctx, bs, onError, tag) {
      const NodeClass = tag?.nodeClass ?? YAMLSeq.YAMLSeq;
      const seq = new NodeClass(ctx.schema);
      if (ctx.atRoot)
        ctx.atRoot = false;
      if (ctx.atKey)
        ctx.atKey = false;
      let offset = bs.offset;
      let commentEnd = null;
      for (const { start, value } of bs.items) {
        const props = resolveProps.resolveProps(start, {
          indicator: "seq-item-ind",
          next: value,
          offset,
          onError,
          parentIndent: bs.indent,
          startOnNewline: true
        });
        if (!props.found) {
          if (props.anchor || props.tag || value) {
            if (value?.type === "block-seq")
              onError(props.end, "BAD_INDENT", "All sequence items must start at the same column");
            else
              onError(offset, "MISSING_CHAR", "Sequence item without - indicator");
          } else {
            commentEnd = props.end;
            if (props.comment)
              seq.comment = props.comment;
            continue;
          }
        }
        const node = value ? composeNode(ctx, value, props, onError) : composeEmptyNode(ctx, props.end, start, null, props, onError);
        if (ctx.schema.compat)
          utilFlowIndentCheck.flowIndentCheck(bs.indent, value, onError);
        offset = node.range[2];
        seq.items.push(node);
      }
      seq.range = [bs.offset, offset, commentEnd ?? offset];
      return seq;
    }
    exports.resolveBlockSeq = resolveBlockSeq;
  }
});

// npm/yaml/2.9.1/dist/compose/resolve-end.js
var require_resolve_end = __commonJS({
  "npm/yaml/2.9.1/dist/compose/resolve-end.js"(exports) {
    "use strict";
    function resolveEnd(end, offset, reqSpace, onError) {
      let comment = "";
      if (end) {
        let hasSpace = false;
        let sep = "";
        for (const token of end) {
          const { source, type } = token;
          switch (type) {
            case "space":
              hasSpace = true;
              break;
            case "comment": {
              if (reqSpace && !hasSpace)
                onError(token, "MISSING_CHAR", "Comments must be separated from other tokens by white space characters");
              const cb = source.substring(1) || " ";
              if (!comment)
                comment = cb;
              else
                comment += sep + cb;
              sep = "";
              break;
            }
            case "newline":
              if (comment)
                sep += source;
              hasSpace = true;
              break;
            default:
              onError(token, "UNEXPECTED_TOKEN", `Unexpected ${type} at node end`);
          }
          offset += source.length;
        }
      }
      return { comment, offset };
    }
    exports.resolveEnd = resolveEnd;
  }
});

// npm/yaml/2.9.1/dist/compose/resolve-flow-collection.js
var require_resolve_flow_collection = __commonJS({
  "npm/yaml/2.9.1/dist/compose/resolve-flow-collection.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Pair = require_Pair();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var resolveEnd = require_resolve_end();
    var resolveProps = require_resolve_props();
    var utilContainsNewline = require_util_contains_newline();
    var utilMapIncludes = require_util_map_includes();
    var blockMsg = "Block collections are not allowed within flow collections";
    var isBlock = (token) => token && (token.type === "block-map" || token.type === "block-seq");
    function resolveFlowCollection({ composeNode, composeEmptyNode }, ctx, fc, onError, tag) {
      const isMap2 = fc.start.source === "{";
      const fcName = isMap2 ? "flow map" : "flow sequence";
      const NodeClass = tag?.nodeClass ?? (isMap2 ? YAMLMap.YAMLMap : YAMLSeq.YAMLSeq);
      const coll = new NodeClass(ctx.schema);
      coll.flow = true;
      const atRoot = ctx.atRoot;
      if (atRoot)
        ctx.atRoot = false;
      if (ctx.atKey)
        ctx.atKey = false;
      let offset = fc.offset + fc.start.source.length;
      for (let i = 0; i < fc.items.length; ++i) {
        const collItem = fc.items[i];
        const { start, key, sep, value } = collItem;
        const props = resolveProps.resolveProps(start, {
          flow: fcName,
          indicator: "explicit-key-ind",
          next: key ?? sep?.[0],
          offset,
          onError,
          parentIndent: fc.indent,
          startOnNewline: false
        });
        if (!props.found) {
          if (!props.anchor && !props.tag && !sep && !value) {
            if (i === 0 && props.comma)
              onError(props.comma, "UNEXPECTED_TOKEN", `Unexpected , in ${fcName}`);
            else if (i < fc.items.length - 1)
              onError(props.start, "UNEXPECTED_TOKEN", `Unexpected empty item in ${fcName}`);
            if (props.comment) {
              if (coll.comment)
                coll.comment += "\n" + props.comment;
              else
                coll.comment = props.comment;
            }
            offset = props.end;
            continue;
          }
          if (!isMap2 && ctx.options.strict && utilContainsNewline.containsNewline(key))
            onError(
              key,
              // checked by containsNewline()
              "MULTILINE_IMPLICIT_KEY",
              "Implicit keys of flow sequence pairs need to be on a single line"
            );
        }
        if (i === 0) {
          if (props.comma)
            onError(props.comma, "UNEXPECTED_TOKEN", `Unexpected , in ${fcName}`);
        } else {
          if (!props.comma)
            onError(props.start, "MISSING_CHAR", `Missing , between ${fcName} items`);
          if (props.comment) {
            let prevItemComment = "";
            loop: for (const st of start) {
              switch (st.type) {
                case "comma":
                case "space":
                  break;
                case "comment":
                  prevItemComment = st.source.substring(1);
                  break loop;
                default:
                  break loop;
              }
            }
            if (prevItemComment) {
              let prev = coll.items[coll.items.length - 1];
              if (identity.isPair(prev))
                prev = prev.value ?? prev.key;
              if (prev.comment)
                prev.comment += "\n" + prevItemComment;
              else
                prev.comment = prevItemComment;
              props.comment = props.comment.substring(prevItemComment.length + 1);
            }
          }
        }
        if (!isMap2 && !sep && !props.found) {
          const valueNode = value ? composeNode(ctx, value, props, onError) : composeEmptyNode(ctx, props.end, sep, null, props, onError);
          coll.items.push(valueNode);
          offset = valueNode.range[2];
          if (isBlock(value))
            onError(valueNode.range, "BLOCK_IN_FLOW", blockMsg);
        } else {
          ctx.atKey = true;
          const keyStart = props.end;
          const keyNode = key ? composeNode(ctx, key, props, onError) : composeEmptyNode(ctx, keyStart, start, null, props, onError);
          if (isBlock(key))
            onError(keyNode.range, "BLOCK_IN_FLOW", blockMsg);
          ctx.atKey = false;
          const valueProps = resolveProps.resolveProps(sep ?? [], {
            flow: fcName,
            indicator: "map-value-ind",
            next: value,
            offset: keyNode.range[2],
            onError,
            parentIndent: fc.indent,
            startOnNewline: false
          });
          if (valueProps.found) {
            if (!isMap2 && !props.found && ctx.options.strict) {
              if (sep)
                for (const st of sep) {
                  if (st === valueProps.found)
                    break;
                  if (st.type === "newline") {
                    onError(st, "MULTILINE_IMPLICIT_KEY", "Implicit keys of flow sequence pairs need to be on a single line");
                    break;
                  }
                }
              if (props.start < valueProps.found.offset - 1024)
                onError(valueProps.found, "KEY_OVER_1024_CHARS", "The : indicator must be at most 1024 chars after the start of an implicit flow sequence key");
            }
          } else if (value) {
            if ("source" in value && value.source?.[0] === ":")
              onError(value, "MISSING_CHAR", `Missing space after : in ${fcName}`);
            else
              onError(valueProps.start, "MISSING_CHAR", `Missing , or : between ${fcName} items`);
          }
          const valueNode = value ? composeNode(ctx, value, valueProps, onError) : valueProps.found ? composeEmptyNode(ctx, valueProps.end, sep, null, valueProps, onError) : null;
          if (valueNode) {
            if (isBlock(value))
              onError(valueNode.range, "BLOCK_IN_FLOW", blockMsg);
          } else if (valueProps.comment) {
            if (keyNode.comment)
              keyNode.comment += "\n" + valueProps.comment;
            else
              keyNode.comment = valueProps.comment;
          }
          const pair = new Pair.Pair(keyNode, valueNode);
          if (ctx.options.keepSourceTokens)
            pair.srcToken = collItem;
          if (isMap2) {
            const map = coll;
            if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
              onError(keyStart, "DUPLICATE_KEY", "Map keys must be unique");
            map.items.push(pair);
          } else {
            const map = new YAMLMap.YAMLMap(ctx.schema);
            map.flow = true;
            map.items.push(pair);
            const endRange = (valueNode ?? keyNode).range;
            map.range = [keyNode.range[0], endRange[1], endRange[2]];
            coll.items.push(map);
          }
          offset = valueNode ? valueNode.range[2] : valueProps.end;
        }
      }
      const expectedEnd = isMap2 ? "}" : "]";
      const [ce, ...ee] = fc.end;
      let cePos = offset;
      if (ce?.source === expectedEnd)
        cePos = ce.offset + ce.source.length;
      else {
        const name = fcName[0].toUpperCase() + fcName.substring(1);
        const msg = atRoot ? `${name} must end with a ${expectedEnd}` : `${name} in block collection must be sufficiently indented and end with a ${expectedEnd}`;
        onError(offset, atRoot ? "MISSING_CHAR" : "BAD_INDENT", msg);
        if (ce && ce.source.length !== 1)
          ee.unshift(ce);
      }
      if (ee.length > 0) {
        const end = resolveEnd.resolveEnd(ee, cePos, ctx.options.strict, onError);
        if (end.comment) {
          if (coll.comment)
            coll.comment += "\n" + end.comment;
          else
            coll.comment = end.comment;
        }
        coll.range = [fc.offset, cePos, end.offset];
      } else {
        coll.range = [fc.offset, cePos, cePos];
      }
      return coll;
    }
    exports.resolveFlowCollection = resolveFlowCollection;
  }
});

// npm/yaml/2.9.1/dist/compose/compose-collection.js
var require_compose_collection = __commonJS({
  "npm/yaml/2.9.1/dist/compose/compose-collection.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Scalar = require_Scalar();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var resolveBlockMap = require_resolve_block_map();
    var resolveBlockSeq = require_resolve_block_seq();
    var resolveFlowCollection = require_resolve_flow_collection();
    function resolveCollection(CN, ctx, token, onError, tagName, tag) {
      const coll = token.type === "block-map" ? resolveBlockMap.resolveBlockMap(CN, ctx, token, onError, tag) : token.type === "block-seq" ? resolveBlockSeq.resolveBlockSeq(CN, ctx, token, onError, tag) : resolveFlowCollection.resolveFlowCollection(CN, ctx, token, onError, tag);
      const Coll = coll.constructor;
      if (tagName === "!" || tagName === Coll.tagName) {
        coll.tag = Coll.tagName;
        return coll;
      }
      if (tagName)
        coll.tag = tagName;
      return coll;
    }
    function composeCollection(CN, ctx, token, props, onError) {
      const tagToken = props.tag;
      const tagName = !tagToken ? null : ctx.directives.tagName(tagToken.source, (msg) => onError(tagToken, "TAG_RESOLVE_FAILED", msg));
      if (token.type === "block-seq") {
        const { anchor, newlineAfterProp: nl } = props;
        const lastProp = anchor && tagToken ? anchor.offset > tagToken.offset ? anchor : tagToken : anchor ?? tagToken;
        if (lastProp && (!nl || nl.offset < lastProp.offset)) {
          const message = "Missing newline after block sequence props";
          onError(lastProp, "MISSING_CHAR", message);
        }
      }
      const expType = token.type === "block-map" ? "map" : token.type === "block-seq" ? "seq" : token.start.source === "{" ? "map" : "seq";
      if (!tagToken || !tagName || tagName === "!" || tagName === YAMLMap.YAMLMap.tagName && expType === "map" || tagName === YAMLSeq.YAMLSeq.tagName && expType === "seq") {
        return resolveCollection(CN, ctx, token, onError, tagName);
      }
      let tag = ctx.schema.tags.find((t) => t.tag === tagName && t.collection === expType);
      if (!tag) {
        const kt = ctx.schema.knownTags[tagName];
        if (kt?.collection === expType) {
          ctx.schema.tags.push(Object.assign({}, kt, { default: false }));
          tag = kt;
        } else {
          if (kt) {
            onError(tagToken, "BAD_COLLECTION_TYPE", `${kt.tag} used for ${expType} collection, but expects ${kt.collection ?? "scalar"}`, true);
          } else {
            onError(tagToken, "TAG_RESOLVE_FAILED", `Unresolved tag: ${tagName}`, true);
          }
          return resolveCollection(CN, ctx, token, onError, tagName);
        }
      }
      const coll = resolveCollection(CN, ctx, token, onError, tagName, tag);
      const res = tag.resolve?.(coll, (msg) => onError(tagToken, "TAG_RESOLVE_FAILED", msg), ctx.options) ?? coll;
      const node = identity.isNode(res) ? res : new Scalar.Scalar(res);
      node.range = coll.range;
      node.tag = tagName;
      if (tag?.format)
        node.format = tag.format;
      return node;
    }
    exports.composeCollection = composeCollection;
  }
});

// npm/yaml/2.9.1/dist/compose/resolve-block-scalar.js
var require_resolve_block_scalar = __commonJS({
  "npm/yaml/2.9.1/dist/compose/resolve-block-scalar.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    function resolveBlockScalar(ctx, scalar, onError) {
      const start = scalar.offset;
      const header = parseBlockScalarHeader(scalar, ctx.options.strict, onError);
      if (!header)
        return { value: "", type: null, comment: "", range: [start, start, start] };
      const type = header.mode === ">" ? Scalar.Scalar.BLOCK_FOLDED : Scalar.Scalar.BLOCK_LITERAL;
      const lines = scalar.source ? splitLines(scalar.source) : [];
      let chompStart = lines.length;
      for (let i = lines.length - 1; i >= 0; --i) {
        const content = lines[i][1];
        if (content === "" || content === "\r")
          chompStart = i;
        else
          break;
      }
      if (chompStart === 0) {
        const value2 = header.chomp === "+" && lines.length > 0 ? "\n".repeat(Math.max(1, lines.length - 1)) : "";
        let end2 = start + header.length;
        if (scalar.source)
          end2 += scalar.source.length;
        return { value: value2, type, comment: header.comment, range: [start, end2, end2] };
      }
      let trimIndent = scalar.indent + header.indent;
      let offset = scalar.offset + header.length;
      let contentStart = 0;
      for (let i = 0; i < chompStart; ++i) {
        const [indent, content] = lines[i];
        if (content === "" || content === "\r") {
          if (header.indent === 0 && indent.length > trimIndent)
            trimIndent = indent.length;
        } else {
          if (indent.length < trimIndent) {
            const message = "Block scalars with more-indented leading empty lines must use an explicit indentation indicator";
            onError(offset + indent.length, "MISSING_CHAR", message);
          }
          if (header.indent === 0)
            trimIndent = indent.length;
          contentStart = i;
          if (trimIndent === 0 && !ctx.atRoot) {
            const message = "Block scalar values in collections must be indented";
            onError(offset, "BAD_INDENT", message);
          }
          break;
        }
        offset += indent.length + content.length + 1;
      }
      for (let i = lines.length - 1; i >= chompStart; --i) {
        if (lines[i][0].length > trimIndent)
          chompStart = i + 1;
      }
      let value = "";
      let sep = "";
      let prevMoreIndented = false;
      for (let i = 0; i < contentStart; ++i)
        value += lines[i][0].slice(trimIndent) + "\n";
      for (let i = contentStart; i < chompStart; ++i) {
        let [indent, content] = lines[i];
        offset += indent.length + content.length + 1;
        const crlf = content[content.length - 1] === "\r";
        if (crlf)
          content = content.slice(0, -1);
        if (content && indent.length < trimIndent) {
          const src = header.indent ? "explicit indentation indicator" : "first line";
          const message = `Block scalar lines must not be less indented than their ${src}`;
          onError(offset - content.length - (crlf ? 2 : 1), "BAD_INDENT", message);
          indent = "";
        }
        if (type === Scalar.Scalar.BLOCK_LITERAL) {
          value += sep + indent.slice(trimIndent) + content;
          sep = "\n";
        } else if (indent.length > trimIndent || content[0] === "	") {
          if (sep === " ")
            sep = "\n";
          else if (!prevMoreIndented && sep === "\n")
            sep = "\n\n";
          value += sep + indent.slice(trimIndent) + content;
          sep = "\n";
          prevMoreIndented = true;
        } else if (content === "") {
          if (sep === "\n")
            value += "\n";
          else
            sep = "\n";
        } else {
          value += sep + content;
          sep = " ";
          prevMoreIndented = false;
        }
      }
      switch (header.chomp) {
        case "-":
          break;
        case "+":
          for (let i = chompStart; i < lines.length; ++i)
            value += "\n" + lines[i][0].slice(trimIndent);
          if (value[value.length - 1] !== "\n")
            value += "\n";
          break;
        default:
          value += "\n";
      }
      const end = start + header.length + scalar.source.length;
      return { value, type, comment: header.comment, range: [start, end, end] };
    }
    function parseBlockScalarHeader({ offset, props }, strict, onError) {
      if (props[0].type !== "block-scalar-header") {
        onError(props[0], "IMPOSSIBLE", "Block scalar header not found");
        return null;
      }
      const { source } = props[0];
      const mode = source[0];
      let indent = 0;
      let chomp = "";
      let error = -1;
      for (let i = 1; i < source.length; ++i) {
        const ch = source[i];
        if (!chomp && (ch === "-" || ch === "+"))
          chomp = ch;
        else {
          const n = Number(ch);
          if (!indent && n)
            indent = n;
          else if (error === -1)
            error = offset + i;
        }
      }
      if (error !== -1)
        onError(error, "UNEXPECTED_TOKEN", `Block scalar header includes extra characters: ${source}`);
      let hasSpace = false;
      let comment = "";
      let length = source.length;
      for (let i = 1; i < props.length; ++i) {
        const token = props[i];
        switch (token.type) {
          case "space":
            hasSpace = true;
          // fallthrough
          case "newline":
            length += token.source.length;
            break;
          case "comment":
            if (strict && !hasSpace) {
              const message = "Comments must be separated from other tokens by white space characters";
              onError(token, "MISSING_CHAR", message);
            }
            length += token.source.length;
            comment = token.source.substring(1);
            break;
          case "error":
            onError(token, "UNEXPECTED_TOKEN", token.message);
            length += token.source.length;
            break;
          /* istanbul ignore next should not happen */
          default: {
            const message = `Unexpected token in block scalar header: ${token.type}`;
            onError(token, "UNEXPECTED_TOKEN", message);
            const ts = token.source;
            if (ts && typeof ts === "string")
              length += ts.length;
          }
        }
      }
      return { mode, indent, chomp, comment, length };
    }
    function splitLines(source) {
      const split = source.split(/\n( *)/);
      const first = split[0];
      const m = first.match(/^( *)/);
      const line0 = m?.[1] ? [m[1], first.slice(m[1].length)] : ["", first];
      const lines = [line0];
      for (let i = 1; i < split.length; i += 2)
        lines.push([split[i], split[i + 1]]);
      return lines;
    }
    exports.resolveBlockScalar = resolveBlockScalar;
  }
});

// npm/yaml/2.9.1/dist/compose/resolve-flow-scalar.js
var require_resolve_flow_scalar = __commonJS({
  "npm/yaml/2.9.1/dist/compose/resolve-flow-scalar.js"(exports) {
    "use strict";
    var Scalar = require_Scalar();
    var resolveEnd = require_resolve_end();
    function resolveFlowScalar(scalar, strict, onError) {
      const { offset, type, source, end } = scalar;
      let _type;
      let value;
      const _onError = (rel, code, msg) => onError(offset + rel, code, msg);
      switch (type) {
        case "scalar":
          _type = Scalar.Scalar.PLAIN;
          value = plainValue(source, _onError);
          break;
        case "single-quoted-scalar":
          _type = Scalar.Scalar.QUOTE_SINGLE;
          value = singleQuotedValue(source, _onError);
          break;
        case "double-quoted-scalar":
          _type = Scalar.Scalar.QUOTE_DOUBLE;
          value = doubleQuotedValue(source, _onError);
          break;
        /* istanbul ignore next should not happen */
        default:
          onError(scalar, "UNEXPECTED_TOKEN", `Expected a flow scalar value, but found: ${type}`);
          return {
            value: "",
            type: null,
            comment: "",
            range: [offset, offset + source.length, offset + source.length]
          };
      }
      const valueEnd = offset + source.length;
      const re = resolveEnd.resolveEnd(end, valueEnd, strict, onError);
      return {
        value,
        type: _type,
        comment: re.comment,
        range: [offset, valueEnd, re.offset]
      };
    }
    function plainValue(source, onError) {
      let badChar = "";
      switch (source[0]) {
        /* istanbul ignore next should not happen */
        case "	":
          badChar = "a tab character";
          break;
        case ",":
          badChar = "flow indicator character ,";
          break;
        case "%":
          badChar = "directive indicator character %";
          break;
        case "|":
        case ">": {
          badChar = `block scalar indicator ${source[0]}`;
          break;
        }
        case "@":
        case "`": {
          badChar = `reserved character ${source[0]}`;
          break;
        }
      }
      if (badChar)
        onError(0, "BAD_SCALAR_START", `Plain value cannot start with ${badChar}`);
      return unfoldLines(source);
    }
    function singleQuotedValue(source, onError) {
      if (source[source.length - 1] !== "'" || source.length === 1)
        onError(source.length, "MISSING_CHAR", "Missing closing 'quote");
      return unfoldLines(source.slice(1, -1)).replace(/''/g, "'");
    }
    function unfoldLines(source) {
      const line = /(.*?)\r?\n/sy;
      let match = line.exec(source);
      if (!match)
        return source;
      let trimEnd, trimBoth;
      try {
        trimEnd = new RegExp("(?<![ 	])[ 	]+$");
        trimBoth = new RegExp("^[ 	]+|(?<![ 	])[ 	]+$", "g");
      } catch {
        trimEnd = /[ \t]+$/;
        trimBoth = /^[ \t]+|[ \t]+$/g;
      }
      let res = match[1].replace(trimEnd, "");
      let sep = " ";
      let pos = line.lastIndex;
      while (match = line.exec(source)) {
        const lm = match[1].replace(trimBoth, "");
        if (lm === "") {
          if (sep === "\n")
            res += sep;
          else
            sep = "\n";
        } else {
          res += sep + lm;
          sep = " ";
        }
        pos = line.lastIndex;
      }
      const last = /[ \t]*(.*)/sy;
      last.lastIndex = pos;
      match = last.exec(source);
      return res + sep + (match?.[1] ?? "");
    }
    function doubleQuotedValue(source, onError) {
      let res = "";
      for (let i = 1; i < source.length - 1; ++i) {
        const ch = source[i];
        if (ch === "\r" && source[i + 1] === "\n")
          continue;
        if (ch === "\n") {
          const { fold, offset } = foldNewline(source, i);
          res += fold;
          i = offset;
        } else if (ch === "\\") {
          let next = source[++i];
          const cc = escapeCodes[next];
          if (cc)
            res += cc;
          else if (next === "\n") {
            next = source[i + 1];
            while (next === " " || next === "	")
              next = source[++i + 1];
          } else if (next === "\r" && source[i + 1] === "\n") {
            next = source[++i + 1];
            while (next === " " || next === "	")
              next = source[++i + 1];
          } else if (next === "x" || next === "u" || next === "U") {
            const length = next === "x" ? 2 : next === "u" ? 4 : 8;
            res += parseCharCode(source, i + 1, length, onError);
            i += length;
          } else {
            const raw = source.substr(i - 1, 2);
            onError(i - 1, "BAD_DQ_ESCAPE", `Invalid escape sequence ${raw}`);
            res += raw;
          }
        } else if (ch === " " || ch === "	") {
          const wsStart = i;
          let next = source[i + 1];
          while (next === " " || next === "	")
            next = source[++i + 1];
          if (next !== "\n" && !(next === "\r" && source[i + 2] === "\n"))
            res += i > wsStart ? source.slice(wsStart, i + 1) : ch;
        } else {
          res += ch;
        }
      }
      if (source[source.length - 1] !== '"' || source.length === 1)
        onError(source.length, "MISSING_CHAR", 'Missing closing "quote');
      return res;
    }
    function foldNewline(source, offset) {
      let fold = "";
      let ch = source[offset + 1];
      while (ch === " " || ch === "	" || ch === "\n" || ch === "\r") {
        if (ch === "\r" && source[offset + 2] !== "\n")
          break;
        if (ch === "\n")
          fold += "\n";
        offset += 1;
        ch = source[offset + 1];
      }
      if (!fold)
        fold = " ";
      return { fold, offset };
    }
    var escapeCodes = {
      "0": "\0",
      // null character
      a: "\x07",
      // bell character
      b: "\b",
      // backspace
      e: "\x1B",
      // escape character
      f: "\f",
      // form feed
      n: "\n",
      // line feed
      r: "\r",
      // carriage return
      t: "	",
      // horizontal tab
      v: "\v",
      // vertical tab
      N: "",
      // Unicode next line
      _: " ",
      // Unicode non-breaking space
      L: "\u2028",
      // Unicode line separator
      P: "\u2029",
      // Unicode paragraph separator
      " ": " ",
      '"': '"',
      "/": "/",
      "\\": "\\",
      "	": "	"
    };
    function parseCharCode(source, offset, length, onError) {
      const cc = source.substr(offset, length);
      const ok = cc.length === length && /^[0-9a-fA-F]+$/.test(cc);
      const code = ok ? parseInt(cc, 16) : NaN;
      try {
        return String.fromCodePoint(code);
      } catch {
        const raw = source.substr(offset - 2, length + 2);
        onError(offset - 2, "BAD_DQ_ESCAPE", `Invalid escape sequence ${raw}`);
        return raw;
      }
    }
    exports.resolveFlowScalar = resolveFlowScalar;
  }
});

// npm/yaml/2.9.1/dist/compose/compose-scalar.js
var require_compose_scalar = __commonJS({
  "npm/yaml/2.9.1/dist/compose/compose-scalar.js"(exports) {
    "use strict";
    var identity = require_identity();
    var Scalar = require_Scalar();
    var resolveBlockScalar = require_resolve_block_scalar();
    var resolveFlowScalar = require_resolve_flow_scalar();
    function composeScalar(ctx, token, tagToken, onError) {
      const { value, type, comment, range } = token.type === "block-scalar" ? resolveBlockScalar.resolveBlockScalar(ctx, token, onError) : resolveFlowScalar.resolveFlowScalar(token, ctx.options.strict, onError);
      const tagName = tagToken ? ctx.directives.tagName(tagToken.source, (msg) => onError(tagToken, "TAG_RESOLVE_FAILED", msg)) : null;
      let tag;
      if (ctx.options.stringKeys && ctx.atKey) {
        tag = ctx.schema[identity.SCALAR];
      } else if (tagName)
        tag = findScalarTagByName(ctx.schema, value, tagName, tagToken, onError);
      else if (token.type === "scalar")
        tag = findScalarTagByTest(ctx, value, token, onError);
      else
        tag = ctx.schema[identity.SCALAR];
      let scalar;
      try {
        const res = tag.resolve(value, (msg) => onError(tagToken ?? token, "TAG_RESOLVE_FAILED", msg), ctx.options);
        scalar = identity.isScalar(res) ? res : new Scalar.Scalar(res);
      } catch (error) {
        const msg = error instanceof Error ? error.message : String(error);
        onError(tagToken ?? token, "TAG_RESOLVE_FAILED", msg);
        scalar = new Scalar.Scalar(value);
      }
      scalar.range = range;
      scalar.source = value;
      if (type)
        scalar.type = type;
      if (tagName)
        scalar.tag = tagName;
      if (tag.format)
        scalar.format = tag.format;
      if (comment)
        scalar.comment = comment;
      return scalar;
    }
    function findScalarTagByName(schema, value, tagName, tagToken, onError) {
      if (tagName === "!")
        return schema[identity.SCALAR];
      const matchWithTest = [];
      for (const tag of schema.tags) {
        if (!tag.collection && tag.tag === tagName) {
          if (tag.default && tag.test)
            matchWithTest.push(tag);
          else
            return tag;
        }
      }
      for (const tag of matchWithTest)
        if (tag.test?.test(value))
          return tag;
      const kt = schema.knownTags[tagName];
      if (kt && !kt.collection) {
        schema.tags.push(Object.assign({}, kt, { default: false, test: void 0 }));
        return kt;
      }
      onError(tagToken, "TAG_RESOLVE_FAILED", `Unresolved tag: ${tagName}`, tagName !== "tag:yaml.org,2002:str");
      return schema[identity.SCALAR];
    }
    function findScalarTagByTest({ atKey, directives, schema }, value, token, onError) {
      const tag = schema.tags.find((tag2) => (tag2.default === true || atKey && tag2.default === "key") && tag2.test?.test(value)) || schema[identity.SCALAR];
      if (schema.compat) {
        const compat = schema.compat.find((tag2) => tag2.default && tag2.test?.test(value)) ?? schema[identity.SCALAR];
        if (tag.tag !== compat.tag) {
          const ts = directives.tagString(tag.tag);
          const cs = directives.tagString(compat.tag);
          const msg = `Value may be parsed as either ${ts} or ${cs}`;
          onError(token, "TAG_RESOLVE_FAILED", msg, true);
        }
      }
      return tag;
    }
    exports.composeScalar = composeScalar;
  }
});

// npm/yaml/2.9.1/dist/compose/util-empty-scalar-position.js
var require_util_empty_scalar_position = __commonJS({
  "npm/yaml/2.9.1/dist/compose/util-empty-scalar-position.js"(exports) {
    "use strict";
    function emptyScalarPosition(offset, before, pos) {
      if (before) {
        pos ?? (pos = before.length);
        for (let i = pos - 1; i >= 0; --i) {
          let st = before[i];
          switch (st.type) {
            case "space":
            case "comment":
            case "newline":
              offset -= st.source.length;
              continue;
          }
          st = before[++i];
          while (st?.type === "space") {
            offset += st.source.length;
            st = before[++i];
          }
          break;
        }
      }
      return offset;
    }
    exports.emptyScalarPosition = emptyScalarPosition;
  }
});

// npm/yaml/2.9.1/dist/compose/compose-node.js
var require_compose_node = __commonJS({
  "npm/yaml/2.9.1/dist/compose/compose-node.js"(exports) {
    "use strict";
    var Alias = require_Alias();
    var identity = require_identity();
    var composeCollection = require_compose_collection();
    var composeScalar = require_compose_scalar();
    var resolveEnd = require_resolve_end();
    var utilEmptyScalarPosition = require_util_empty_scalar_position();
    var CN = { composeNode, composeEmptyNode };
    function composeNode(ctx, token, props, onError) {
      const atKey = ctx.atKey;
      const { spaceBefore, comment, anchor, tag } = props;
      let node;
      let isSrcToken = true;
      switch (token.type) {
        case "alias":
          node = composeAlias(ctx, token, onError);
          if (anchor || tag)
            onError(token, "ALIAS_PROPS", "An alias node must not specify any properties");
          break;
        case "scalar":
        case "single-quoted-scalar":
        case "double-quoted-scalar":
        case "block-scalar":
          node = composeScalar.composeScalar(ctx, token, tag, onError);
          if (anchor)
            node.anchor = anchor.source.substring(1);
          break;
        case "block-map":
        case "block-seq":
        case "flow-collection":
          try {
            node = composeCollection.composeCollection(CN, ctx, token, props, onError);
            if (anchor)
              node.anchor = anchor.source.substring(1);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            onError(token, "RESOURCE_EXHAUSTION", message);
          }
          break;
        default: {
          const message = token.type === "error" ? token.message : `Unsupported token (type: ${token.type})`;
          onError(token, "UNEXPECTED_TOKEN", message);
          isSrcToken = false;
        }
      }
      node ?? (node = composeEmptyNode(ctx, token.offset, void 0, null, props, onError));
      if (anchor && node.anchor === "")
        onError(anchor, "BAD_ALIAS", "Anchor cannot be an empty string");
      if (atKey && ctx.options.stringKeys && (!identity.isScalar(node) || typeof node.value !== "string" || node.tag && node.tag !== "tag:yaml.org,2002:str")) {
        const msg = "With stringKeys, all keys must be strings";
        onError(tag ?? token, "NON_STRING_KEY", msg);
      }
      if (spaceBefore)
        node.spaceBefore = true;
      if (comment) {
        if (token.type === "scalar" && token.source === "")
          node.comment = comment;
        else
          node.commentBefore = comment;
      }
      if (ctx.options.keepSourceTokens && isSrcToken)
        node.srcToken = token;
      return node;
    }
    function composeEmptyNode(ctx, offset, before, pos, { spaceBefore, comment, anchor, tag, end }, onError) {
      const token = {
        type: "scalar",
        offset: utilEmptyScalarPosition.emptyScalarPosition(offset, before, pos),
        indent: -1,
        source: ""
      };
      const node = composeScalar.composeScalar(ctx, token, tag, onError);
      if (anchor) {
        node.anchor = anchor.source.substring(1);
        if (node.anchor === "")
          onError(anchor, "BAD_ALIAS", "Anchor cannot be an empty string");
      }
      if (spaceBefore)
        node.spaceBefore = true;
      if (comment) {
        node.comment = comment;
        node.range[2] = end;
      }
      return node;
    }
    function composeAlias({ options }, { offset, source, end }, onError) {
      const alias = new Alias.Alias(source.substring(1));
      if (alias.source === "")
        onError(offset, "BAD_ALIAS", "Alias cannot be an empty string");
      if (alias.source.endsWith(":"))
        onError(offset + source.length - 1, "BAD_ALIAS", "Alias ending in : is ambiguous", true);
      const valueEnd = offset + source.length;
      const re = resolveEnd.resolveEnd(end, valueEnd, options.strict, onError);
      alias.range = [offset, valueEnd, re.offset];
      if (re.comment)
        alias.comment = re.comment;
      return alias;
    }
    exports.composeEmptyNode = composeEmptyNode;
    exports.composeNode = composeNode;
  }
});

// npm/yaml/2.9.1/dist/compose/compose-doc.js
var require_compose_doc = __commonJS({
  "npm/yaml/2.9.1/dist/compose/compose-doc.js"(exports) {
    "use strict";
    var Document = require_Document();
    var composeNode = require_compose_node();
    var resolveEnd = require_resolve_end();
    var resolveProps = require_resolve_props();
    function composeDoc(options, directives, { offset, start, value, end }, onError) {
      const opts = Object.assign({ _directives: directives }, options);
      const doc = new Document.Document(void 0, opts);
      const ctx = {
        atKey: false,
        atRoot: true,
        directives: doc.directives,
        options: doc.options,
        schema: doc.schema
      };
      const props = resolveProps.resolveProps(start, {
        indicator: "doc-start",
        next: value ?? end?.[0],
        offset,
        onError,
        parentIndent: 0,
        startOnNewline: true
      });
      if (props.found) {
        doc.directives.docStart = true;
        if (value && (value.type === "block-map" || value.type === "block-seq") && !props.hasNewline)
          onError(props.end, "MISSING_CHAR", "Block collection cannot start on same line with directives-end marker");
      }
      doc.contents = value ? composeNode.composeNode(ctx, value, props, onError) : composeNode.composeEmptyNode(ctx, props.end, start, null, props, onError);
      const contentEnd = doc.contents.range[2];
      const re = resolveEnd.resolveEnd(end, contentEnd, false, onError);
      if (re.comment)
        doc.comment = re.comment;
      doc.range = [offset, contentEnd, re.offset];
      return doc;
    }
    exports.composeDoc = composeDoc;
  }
});

// npm/yaml/2.9.1/dist/compose/composer.js
var require_composer = __commonJS({
  "npm/yaml/2.9.1/dist/compose/composer.js"(exports) {
    "use strict";
    var node_process = __require("process");
    var directives = require_directives();
    var Document = require_Document();
    var errors = require_errors();
    var identity = require_identity();
    var composeDoc = require_compose_doc();
    var resolveEnd = require_resolve_end();
    function getErrorPos(src) {
      if (typeof src === "number")
        return [src, src + 1];
      if (Array.isArray(src))
        return src.length === 2 ? src : [src[0], src[1]];
      const { offset, source } = src;
      return [offset, offset + (typeof source === "string" ? source.length : 1)];
    }
    function parsePrelude(prelude) {
      let comment = "";
      let atComment = false;
      let afterEmptyLine = false;
      for (let i = 0; i < prelude.length; ++i) {
        const source = prelude[i];
        switch (source[0]) {
          case "#":
            comment += (comment === "" ? "" : afterEmptyLine ? "\n\n" : "\n") + (source.substring(1) || " ");
            atComment = true;
            afterEmptyLine = false;
            break;
          case "%":
            if (prelude[i + 1]?.[0] !== "#")
              i += 1;
            atComment = false;
            break;
          default:
            if (!atComment)
              afterEmptyLine = true;
            atComment = false;
        }
      }
      return { comment, afterEmptyLine };
    }
    var Composer2 = class {
      constructor(options = {}) {
        this.doc = null;
        this.atDirectives = false;
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
        this.onError = (source, code, message, warning) => {
          const pos = getErrorPos(source);
          if (warning)
            this.warnings.push(new errors.YAMLWarning(pos, code, message));
          else
            this.errors.push(new errors.YAMLParseError(pos, code, message));
        };
        this.directives = new directives.Directives({ version: options.version || "1.2" });
        this.options = options;
      }
      decorate(doc, afterDoc) {
        const { comment, afterEmptyLine } = parsePrelude(this.prelude);
        if (comment) {
          const dc = doc.contents;
          if (afterDoc) {
            doc.comment = doc.comment ? `${doc.comment}
${comment}` : comment;
          } else if (afterEmptyLine || doc.directives.docStart || !dc) {
            doc.commentBefore = comment;
          } else if (identity.isCollection(dc) && !dc.flow && dc.items.length > 0) {
            let it = dc.items[0];
            if (identity.isPair(it))
              it = it.key;
            const cb = it.commentBefore;
            it.commentBefore = cb ? `${comment}
${cb}` : comment;
          } else {
            const cb = dc.commentBefore;
            dc.commentBefore = cb ? `${comment}
${cb}` : comment;
          }
        }
        if (afterDoc) {
          for (let i = 0; i < this.errors.length; ++i)
            doc.errors.push(this.errors[i]);
          for (let i = 0; i < this.warnings.length; ++i)
            doc.warnings.push(this.warnings[i]);
        } else {
          doc.errors = this.errors;
          doc.warnings = this.warnings;
        }
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
      }
      /**
       * Current stream status information.
       *
       * Mostly useful at the end of input for an empty stream.
       */
      streamInfo() {
        return {
          comment: parsePrelude(this.prelude).comment,
          directives: this.directives,
          errors: this.errors,
          warnings: this.warnings
        };
      }
      /**
       * Compose tokens into documents.
       *
       * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
       * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
       */
      *compose(tokens, forceDoc = false, endOffset = -1) {
        for (const token of tokens)
          yield* this.next(token);
        yield* this.end(forceDoc, endOffset);
      }
      /** Advance the composer by one CST token. */
      *next(token) {
        if (node_process.env.LOG_STREAM)
          console.dir(token, { depth: null });
        switch (token.type) {
          case "directive":
            this.directives.add(token.source, (offset, message, warning) => {
              const pos = getErrorPos(token);
              pos[0] += offset;
              this.onError(pos, "BAD_DIRECTIVE", message, warning);
            });
            this.prelude.push(token.source);
            this.atDirectives = true;
            break;
          case "document": {
            const doc = composeDoc.composeDoc(this.options, this.directives, token, this.onError);
            if (this.atDirectives && !doc.directives.docStart)
              this.onError(token, "MISSING_CHAR", "Missing directives-end/doc-start indicator line");
            this.decorate(doc, false);
            if (this.doc)
              yield this.doc;
            this.doc = doc;
            this.atDirectives = false;
            break;
          }
          case "byte-order-mark":
          case "space":
            break;
          case "comment":
          case "newline":
            this.prelude.push(token.source);
            break;
          case "error": {
            const msg = token.source ? `${token.message}: ${JSON.stringify(token.source)}` : token.message;
            const error = new errors.YAMLParseError(getErrorPos(token), "UNEXPECTED_TOKEN", msg);
            if (this.atDirectives || !this.doc)
              this.errors.push(error);
            else
              this.doc.errors.push(error);
            break;
          }
          case "doc-end": {
            if (!this.doc) {
              const msg = "Unexpected doc-end without preceding document";
              this.errors.push(new errors.YAMLParseError(getErrorPos(token), "UNEXPECTED_TOKEN", msg));
              break;
            }
            this.doc.directives.docEnd = true;
            const end = resolveEnd.resolveEnd(token.end, token.offset + token.source.length, this.doc.options.strict, this.onError);
            this.decorate(this.doc, true);
            if (end.comment) {
              const dc = this.doc.comment;
              this.doc.comment = dc ? `${dc}
${end.comment}` : end.comment;
            }
            this.doc.range[2] = end.offset;
            break;
          }
          default:
            this.errors.push(new errors.YAMLParseError(getErrorPos(token), "UNEXPECTED_TOKEN", `Unsupported token ${token.type}`));
        }
      }
      /**
       * Call at end of input to yield any remaining document.
       *
       * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
       * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
       */
      *end(forceDoc = false, endOffset = -1) {
        if (this.doc) {
          this.decorate(this.doc, true);
          yield this.doc;
          this.doc = null;
        } else if (forceDoc) {
          const opts = Object.assign({ _directives: this.directives }, this.options);
          const doc = new Document.Document(void 0, opts);
          if (this.atDirectives)
            this.onError(endOffset, "MISSING_CHAR", "Missing directives-end indicator line");
          doc.range = [0, endOffset, endOffset];
          this.decorate(doc, false);
          yield doc;
        }
      }
    };
    exports.Composer = Composer2;
  }
});

// npm/yaml/2.9.1/dist/parse/cst-scalar.js
var require_cst_scalar = __commonJS({
  "npm/yaml/2.9.1/dist/parse/cst-scalar.js"(exports) {
    "use strict";
    var resolveBlockScalar = require_resolve_block_scalar();
    var resolveFlowScalar = require_resolve_flow_scalar();
    var errors = require_errors();
    var stringifyString = require_stringifyString();
    function resolveAsScalar(token, strict = true, onError) {
      if (token) {
        const _onError = (pos, code, message) => {
          const offset = typeof pos === "number" ? pos : Array.isArray(pos) ? pos[0] : pos.offset;
          if (onError)
            onError(offset, code, message);
          else
            throw new errors.YAMLParseError([offset, offset + 1], code, message);
        };
        switch (token.type) {
          case "scalar":
          case "single-quoted-scalar":
          case "double-quoted-scalar":
            return resolveFlowScalar.resolveFlowScalar(token, strict, _onError);
          case "block-scalar":
            return resolveBlockScalar.resolveBlockScalar({ options: { strict } }, token, _onError);
        }
      }
      return null;
    }
    function createScalarToken(value, context) {
      const { implicitKey = false, indent, inFlow = false, offset = -1, type = "PLAIN" } = context;
      const source = stringifyString.stringifyString({ type, value }, {
        implicitKey,
        indent: indent > 0 ? " ".repeat(indent) : "",
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
      });
      const end = context.end ?? [
        { type: "newline", offset: -1, indent, source: "\n" }
      ];
      switch (source[0]) {
        case "|":
        case ">": {
          const he = source.indexOf("\n");
          const head = source.substring(0, he);
          const body = source.substring(he + 1) + "\n";
          const props = [
            { type: "block-scalar-header", offset, indent, source: head }
          ];
          if (!addEndtoBlockProps(props, end))
            props.push({ type: "newline", offset: -1, indent, source: "\n" });
          return { type: "block-scalar", offset, indent, props, source: body };
        }
        case '"':
          return { type: "double-quoted-scalar", offset, indent, source, end };
        case "'":
          return { type: "single-quoted-scalar", offset, indent, source, end };
        default:
          return { type: "scalar", offset, indent, source, end };
      }
    }
    function setScalarValue(token, value, context = {}) {
      let { afterKey = false, implicitKey = false, inFlow = false, type } = context;
      let indent = "indent" in token ? token.indent : null;
      if (afterKey && typeof indent === "number")
        indent += 2;
      if (!type)
        switch (token.type) {
          case "single-quoted-scalar":
            type = "QUOTE_SINGLE";
            break;
          case "double-quoted-scalar":
            type = "QUOTE_DOUBLE";
            break;
          case "block-scalar": {
            const header = token.props[0];
            if (header.type !== "block-scalar-header")
              throw new Error("Invalid block scalar header");
            type = header.source[0] === ">" ? "BLOCK_FOLDED" : "BLOCK_LITERAL";
            break;
          }
          default:
            type = "PLAIN";
        }
      const source = stringifyString.stringifyString({ type, value }, {
        implicitKey: implicitKey || indent === null,
        indent: indent !== null && indent > 0 ? " ".repeat(indent) : "",
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
      });
      switch (source[0]) {
        case "|":
        case ">":
          setBlockScalarValue(token, source);
          break;
        case '"':
          setFlowScalarValue(token, source, "double-quoted-scalar");
          break;
        case "'":
          setFlowScalarValue(token, source, "single-quoted-scalar");
          break;
        default:
          setFlowScalarValue(token, source, "scalar");
      }
    }
    function setBlockScalarValue(token, source) {
      const he = source.indexOf("\n");
      const head = source.substring(0, he);
      const body = source.substring(he + 1) + "\n";
      if (token.type === "block-scalar") {
        const header = token.props[0];
        if (header.type !== "block-scalar-header")
          throw new Error("Invalid block scalar header");
        header.source = head;
        token.source = body;
      } else {
        const { offset } = token;
        const indent = "indent" in token ? token.indent : -1;
        const props = [
          { type: "block-scalar-header", offset, indent, source: head }
        ];
        if (!addEndtoBlockProps(props, "end" in token ? token.end : void 0))
          props.push({ type: "newline", offset: -1, indent, source: "\n" });
        for (const key of Object.keys(token))
          if (key !== "type" && key !== "offset")
            delete token[key];
        Object.assign(token, { type: "block-scalar", indent, props, source: body });
      }
    }
    function addEndtoBlockProps(props, end) {
      if (end)
        for (const st of end)
          switch (st.type) {
            case "space":
            case "comment":
              props.push(st);
              break;
            case "newline":
              props.push(st);
              return true;
          }
      return false;
    }
    function setFlowScalarValue(token, source, type) {
      switch (token.type) {
        case "scalar":
        case "double-quoted-scalar":
        case "single-quoted-scalar":
          token.type = type;
          token.source = source;
          break;
        case "block-scalar": {
          const end = token.props.slice(1);
          let oa = source.length;
          if (token.props[0].type === "block-scalar-header")
            oa -= token.props[0].source.length;
          for (const tok of end)
            tok.offset += oa;
          delete token.props;
          Object.assign(token, { type, source, end });
          break;
        }
        case "block-map":
        case "block-seq": {
          const offset = token.offset + source.length;
          const nl = { type: "newline", offset, indent: token.indent, source: "\n" };
          delete token.items;
          Object.assign(token, { type, source, end: [nl] });
          break;
        }
        default: {
          const indent = "indent" in token ? token.indent : -1;
          const end = "end" in token && Array.isArray(token.end) ? token.end.filter((st) => st.type === "space" || st.type === "comment" || st.type === "newline") : [];
          for (const key of Object.keys(token))
            if (key !== "type" && key !== "offset")
              delete token[key];
          Object.assign(token, { type, indent, source, end });
        }
      }
    }
    exports.createScalarToken = createScalarToken;
    exports.resolveAsScalar = resolveAsScalar;
    exports.setScalarValue = setScalarValue;
  }
});

// npm/yaml/2.9.1/dist/parse/cst-stringify.js
var require_cst_stringify = __commonJS({
  "npm/yaml/2.9.1/dist/parse/cst-stringify.js"(exports) {
    "use strict";
    var stringify = (cst) => "type" in cst ? stringifyToken(cst) : stringifyItem(cst);
    function stringifyToken(token) {
      switch (token.type) {
        case "block-scalar": {
          let res = "";
          for (const tok of token.props)
            res += stringifyToken(tok);
          return res + token.source;
        }
        case "block-map":
        case "block-seq": {
          let res = "";
          for (const item of token.items)
            res += stringifyItem(item);
          return res;
        }
        case "flow-collection": {
          let res = token.start.source;
          for (const item of token.items)
            res += stringifyItem(item);
          for (const st of token.end)
            res += st.source;
          return res;
        }
        case "document": {
          let res = stringifyItem(token);
          if (token.end)
            for (const st of token.end)
              res += st.source;
          return res;
        }
        default: {
          let res = token.source;
          if ("end" in token && token.end)
            for (const st of token.end)
              res += st.source;
          return res;
        }
      }
    }
    function stringifyItem({ start, key, sep, value }) {
      let res = "";
      for (const st of start)
        res += st.source;
      if (key)
        res += stringifyToken(key);
      if (sep)
        for (const st of sep)
          res += st.source;
      if (value)
        res += stringifyToken(value);
      return res;
    }
    exports.stringify = stringify;
  }
});

// npm/yaml/2.9.1/dist/parse/cst-visit.js
var require_cst_visit = __commonJS({
  "npm/yaml/2.9.1/dist/parse/cst-visit.js"(exports) {
    "use strict";
    var BREAK = /* @__PURE__ */ Symbol("break visit");
    var SKIP = /* @__PURE__ */ Symbol("skip children");
    var REMOVE = /* @__PURE__ */ Symbol("remove item");
    function visit(cst, visitor) {
      if ("type" in cst && cst.type === "document")
        cst = { start: cst.start, value: cst.value };
      _visit(Object.freeze([]), cst, visitor);
    }
    visit.BREAK = BREAK;
    visit.SKIP = SKIP;
    visit.REMOVE = REMOVE;
    visit.itemAtPath = (cst, path) => {
      let item = cst;
      for (const [field, index] of path) {
        const tok = item?.[field];
        if (tok && "items" in tok) {
          item = tok.items[index];
        } else
          return void 0;
      }
      return item;
    };
    visit.parentCollection = (cst, path) => {
      const parent = visit.itemAtPath(cst, path.slice(0, -1));
      const field = path[path.length - 1][0];
      const coll = parent?.[field];
      if (coll && "items" in coll)
        return coll;
      throw new Error("Parent collection not found");
    };
    function _visit(path, item, visitor) {
      let ctrl = visitor(item, path);
      if (typeof ctrl === "symbol")
        return ctrl;
      for (const field of ["key", "value"]) {
        const token = item[field];
        if (token && "items" in token) {
          for (let i = 0; i < token.items.length; ++i) {
            const ci = _visit(Object.freeze(path.concat([[field, i]])), token.items[i], visitor);
            if (typeof ci === "number")
              i = ci - 1;
            else if (ci === BREAK)
              return BREAK;
            else if (ci === REMOVE) {
              token.items.splice(i, 1);
              i -= 1;
            }
          }
          if (typeof ctrl === "function" && field === "key")
            ctrl = ctrl(item, path);
        }
      }
      return typeof ctrl === "function" ? ctrl(item, path) : ctrl;
    }
    exports.visit = visit;
  }
});

// npm/yaml/2.9.1/dist/parse/cst.js
var require_cst = __commonJS({
  "npm/yaml/2.9.1/dist/parse/cst.js"(exports) {
    "use strict";
    var cstScalar = require_cst_scalar();
    var cstStringify = require_cst_stringify();
    var cstVisit = require_cst_visit();
    var BOM = "\uFEFF";
    var DOCUMENT = "";
    var FLOW_END = "";
    var SCALAR = "";
    var isCollection = (token) => !!token && "items" in token;
    var isScalar2 = (token) => !!token && (token.type === "scalar" || token.type === "single-quoted-scalar" || token.type === "double-quoted-scalar" || token.type === "block-scalar");
    function prettyToken(token) {
      switch (token) {
        case BOM:
          return "<BOM>";
        case DOCUMENT:
          return "<DOC>";
        case FLOW_END:
          return "<FLOW_END>";
        case SCALAR:
          return "<SCALAR>";
        default:
          return JSON.stringify(token);
      }
    }
    function tokenType(source) {
      switch (source) {
        case BOM:
          return "byte-order-mark";
        case DOCUMENT:
          return "doc-mode";
        case FLOW_END:
          return "flow-error-end";
        case SCALAR:
          return "scalar";
        case "---":
          return "doc-start";
        case "...":
          return "doc-end";
        case "":
        case "\n":
        case "\r\n":
          return "newline";
        case "-":
          return "seq-item-ind";
        case "?":
          return "explicit-key-ind";
        case ":":
          return "map-value-ind";
        case "{":
          return "flow-map-start";
        case "}":
          return "flow-map-end";
        case "[":
          return "flow-seq-start";
        case "]":
          return "flow-seq-end";
        case ",":
          return "comma";
      }
      switch (source[0]) {
        case " ":
        case "	":
          return "space";
        case "#":
          return "comment";
        case "%":
          return "directive-line";
        case "*":
          return "alias";
        case "&":
          return "anchor";
        case "!":
          return "tag";
        case "'":
          return "single-quoted-scalar";
        case '"':
          return "double-quoted-scalar";
        case "|":
        case ">":
          return "block-scalar-header";
      }
      return null;
    }
    exports.createScalarToken = cstScalar.createScalarToken;
    exports.resolveAsScalar = cstScalar.resolveAsScalar;
    exports.setScalarValue = cstScalar.setScalarValue;
    exports.stringify = cstStringify.stringify;
    exports.visit = cstVisit.visit;
    exports.BOM = BOM;
    exports.DOCUMENT = DOCUMENT;
    exports.FLOW_END = FLOW_END;
    exports.SCALAR = SCALAR;
    exports.isCollection = isCollection;
    exports.isScalar = isScalar2;
    exports.prettyToken = prettyToken;
    exports.tokenType = tokenType;
  }
});

// npm/yaml/2.9.1/dist/parse/lexer.js
var require_lexer = __commonJS({
  "npm/yaml/2.9.1/dist/parse/lexer.js"(exports) {
    "use strict";
    var cst = require_cst();
    function isEmpty(ch) {
      switch (ch) {
        case void 0:
        case " ":
        case "\n":
        case "\r":
        case "	":
          return true;
        default:
          return false;
      }
    }
    var hexDigits = new Set("0123456789ABCDEFabcdef");
    var tagChars = new Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-#;/?:@&=+$_.!~*'()");
    var flowIndicatorChars = new Set(",[]{}");
    var invalidAnchorChars = new Set(" ,[]{}\n\r	");
    var isNotAnchorChar = (ch) => !ch || invalidAnchorChars.has(ch);
    var Lexer = class {
      constructor() {
        this.atEnd = false;
        this.blockScalarIndent = -1;
        this.blockScalarKeep = false;
        this.buffer = "";
        this.flowKey = false;
        this.flowLevel = 0;
        this.indentNext = 0;
        this.indentValue = 0;
        this.lineEndPos = null;
        this.next = null;
        this.pos = 0;
      }
      /**
       * Generate YAML tokens from the `source` string. If `incomplete`,
       * a part of the last line may be left as a buffer for the next call.
       *
       * @returns A generator of lexical tokens
       */
      *lex(source, incomplete = false) {
        if (source) {
          if (typeof source !== "string")
            throw TypeError("source is not a string");
          this.buffer = this.buffer ? this.buffer + source : source;
          this.lineEndPos = null;
        }
        this.atEnd = !incomplete;
        let next = this.next ?? "stream";
        while (next && (incomplete || this.hasChars(1)))
          next = yield* this.parseNext(next);
      }
      atLineEnd() {
        let i = this.pos;
        let ch = this.buffer[i];
        while (ch === " " || ch === "	")
          ch = this.buffer[++i];
        if (!ch || ch === "#" || ch === "\n")
          return true;
        if (ch === "\r")
          return this.buffer[i + 1] === "\n";
        return false;
      }
      charAt(n) {
        return this.buffer[this.pos + n];
      }
      continueScalar(offset) {
        let ch = this.buffer[offset];
        if (this.indentNext > 0) {
          let indent = 0;
          while (ch === " ")
            ch = this.buffer[++indent + offset];
          if (ch === "\r") {
            const next = this.buffer[indent + offset + 1];
            if (next === "\n" || !next && !this.atEnd)
              return offset + indent + 1;
          }
          return ch === "\n" || indent >= this.indentNext || !ch && !this.atEnd ? offset + indent : -1;
        }
        if (ch === "-" || ch === ".") {
          const dt = this.buffer.substr(offset, 3);
          if ((dt === "---" || dt === "...") && isEmpty(this.buffer[offset + 3]))
            return -1;
        }
        return offset;
      }
      getLine() {
        let end = this.lineEndPos;
        if (typeof end !== "number" || end !== -1 && end < this.pos) {
          end = this.buffer.indexOf("\n", this.pos);
          this.lineEndPos = end;
        }
        if (end === -1)
          return this.atEnd ? this.buffer.substring(this.pos) : null;
        if (this.buffer[end - 1] === "\r")
          end -= 1;
        return this.buffer.substring(this.pos, end);
      }
      hasChars(n) {
        return this.pos + n <= this.buffer.length;
      }
      setNext(state) {
        this.buffer = this.buffer.substring(this.pos);
        this.pos = 0;
        this.lineEndPos = null;
        this.next = state;
        return null;
      }
      peek(n) {
        return this.buffer.substr(this.pos, n);
      }
      *parseNext(next) {
        switch (next) {
          case "stream":
            return yield* this.parseStream();
          case "line-start":
            return yield* this.parseLineStart();
          case "block-start":
            return yield* this.parseBlockStart();
          case "doc":
            return yield* this.parseDocument();
          case "flow":
            return yield* this.parseFlowCollection();
          case "quoted-scalar":
            return yield* this.parseQuotedScalar();
          case "block-scalar":
            return yield* this.parseBlockScalar();
          case "plain-scalar":
            return yield* this.parsePlainScalar();
        }
      }
      *parseStream() {
        let line = this.getLine();
        if (line === null)
          return this.setNext("stream");
        if (line[0] === cst.BOM) {
          yield* this.pushCount(1);
          line = line.substring(1);
        }
        if (line[0] === "%") {
          let dirEnd = line.length;
          let cs = line.indexOf("#");
          while (cs !== -1) {
            const ch = line[cs - 1];
            if (ch === " " || ch === "	") {
              dirEnd = cs - 1;
              break;
            } else {
              cs = line.indexOf("#", cs + 1);
            }
          }
          while (true) {
            const ch = line[dirEnd - 1];
            if (ch === " " || ch === "	")
              dirEnd -= 1;
            else
              break;
          }
          const n = (yield* this.pushCount(dirEnd)) + (yield* this.pushSpaces(true));
          yield* this.pushCount(line.length - n);
          this.pushNewline();
          return "stream";
        }
        if (this.atLineEnd()) {
          const sp = yield* this.pushSpaces(true);
          yield* this.pushCount(line.length - sp);
          yield* this.pushNewline();
          return "stream";
        }
        yield cst.DOCUMENT;
        return yield* this.parseLineStart();
      }
      *parseLineStart() {
        const ch = this.charAt(0);
        if (!ch && !this.atEnd)
          return this.setNext("line-start");
        if (ch === "-" || ch === ".") {
          if (!this.atEnd && !this.hasChars(4))
            return this.setNext("line-start");
          const s = this.peek(3);
          if ((s === "---" || s === "...") && isEmpty(this.charAt(3))) {
            yield* this.pushCount(3);
            this.indentValue = 0;
            this.indentNext = 0;
            return s === "---" ? "doc" : "stream";
          }
        }
        this.indentValue = yield* this.pushSpaces(false);
        if (this.indentNext > this.indentValue && !isEmpty(this.charAt(1)))
          this.indentNext = this.indentValue;
        return yield* this.parseBlockStart();
      }
      *parseBlockStart() {
        const [ch0, ch1] = this.peek(2);
        if (!ch1 && !this.atEnd)
          return this.setNext("block-start");
        if ((ch0 === "-" || ch0 === "?" || ch0 === ":") && isEmpty(ch1)) {
          const n = (yield* this.pushCount(1)) + (yield* this.pushSpaces(true));
          this.indentNext = this.indentValue + 1;
          this.indentValue += n;
          return "block-start";
        }
        return "doc";
      }
      *parseDocument() {
        yield* this.pushSpaces(true);
        const line = this.getLine();
        if (line === null)
          return this.setNext("doc");
        let n = yield* this.pushIndicators();
        switch (line[n]) {
          case "#":
            yield* this.pushCount(line.length - n);
          // fallthrough
          case void 0:
            yield* this.pushNewline();
            return yield* this.parseLineStart();
          case "{":
          case "[":
            yield* this.pushCount(1);
            this.flowKey = false;
            this.flowLevel = 1;
            return "flow";
          case "}":
          case "]":
            yield* this.pushCount(1);
            return "doc";
          case "*":
            yield* this.pushUntil(isNotAnchorChar);
            return "doc";
          case '"':
          case "'":
            return yield* this.parseQuotedScalar();
          case "|":
          case ">":
            n += yield* this.parseBlockScalarHeader();
            n += yield* this.pushSpaces(true);
            yield* this.pushCount(line.length - n);
            yield* this.pushNewline();
            return yield* this.parseBlockScalar();
          default:
            return yield* this.parsePlainScalar();
        }
      }
      *parseFlowCollection() {
        let nl, sp;
        let indent = -1;
        do {
          nl = yield* this.pushNewline();
          if (nl > 0) {
            sp = yield* this.pushSpaces(false);
            this.indentValue = indent = sp;
          } else {
            sp = 0;
          }
          sp += yield* this.pushSpaces(true);
        } while (nl + sp > 0);
        const line = this.getLine();
        if (line === null)
          return this.setNext("flow");
        if (indent !== -1 && indent < this.indentNext && line[0] !== "#" || indent === 0 && (line.startsWith("---") || line.startsWith("...")) && isEmpty(line[3])) {
          const atFlowEndMarker = indent === this.indentNext - 1 && this.flowLevel === 1 && (line[0] === "]" || line[0] === "}");
          if (!atFlowEndMarker) {
            this.flowLevel = 0;
            yield cst.FLOW_END;
            return yield* this.parseLineStart();
          }
        }
        let n = 0;
        while (line[n] === ",") {
          n += yield* this.pushCount(1);
          n += yield* this.pushSpaces(true);
          this.flowKey = false;
        }
        n += yield* this.pushIndicators();
        switch (line[n]) {
          case void 0:
            return "flow";
          case "#":
            yield* this.pushCount(line.length - n);
            return "flow";
          case "{":
          case "[":
            yield* this.pushCount(1);
            this.flowKey = false;
            this.flowLevel += 1;
            return "flow";
          case "}":
          case "]":
            yield* this.pushCount(1);
            this.flowKey = true;
            this.flowLevel -= 1;
            return this.flowLevel ? "flow" : "doc";
          case "*":
            yield* this.pushUntil(isNotAnchorChar);
            return "flow";
          case '"':
          case "'":
            this.flowKey = true;
            return yield* this.parseQuotedScalar();
          case ":": {
            const next = this.charAt(1);
            if (this.flowKey || isEmpty(next) || next === ",") {
              this.flowKey = false;
              yield* this.pushCount(1);
              yield* this.pushSpaces(true);
              return "flow";
            }
          }
          // fallthrough
          default:
            this.flowKey = false;
            return yield* this.parsePlainScalar();
        }
      }
      *parseQuotedScalar() {
        const quote = this.charAt(0);
        let end = this.buffer.indexOf(quote, this.pos + 1);
        if (quote === "'") {
          while (end !== -1 && this.buffer[end + 1] === "'")
            end = this.buffer.indexOf("'", end + 2);
        } else {
          while (end !== -1) {
            let n = 0;
            while (this.buffer[end - 1 - n] === "\\")
              n += 1;
            if (n % 2 === 0)
              break;
            end = this.buffer.indexOf('"', end + 1);
          }
        }
        const qb = this.buffer.substring(0, end);
        let nl = qb.indexOf("\n", this.pos);
        if (nl !== -1) {
          while (nl !== -1) {
            const cs = this.continueScalar(nl + 1);
            if (cs === -1)
              break;
            nl = qb.indexOf("\n", cs);
          }
          if (nl !== -1) {
            end = nl - (qb[nl - 1] === "\r" ? 2 : 1);
          }
        }
        if (end === -1) {
          if (!this.atEnd)
            return this.setNext("quoted-scalar");
          end = this.buffer.length;
        }
        yield* this.pushToIndex(end + 1, false);
        return this.flowLevel ? "flow" : "doc";
      }
      *parseBlockScalarHeader() {
        this.blockScalarIndent = -1;
        this.blockScalarKeep = false;
        let i = this.pos;
        while (true) {
          const ch = this.buffer[++i];
          if (ch === "+")
            this.blockScalarKeep = true;
          else if (ch > "0" && ch <= "9")
            this.blockScalarIndent = Number(ch) - 1;
          else if (ch !== "-")
            break;
        }
        return yield* this.pushUntil((ch) => isEmpty(ch) || ch === "#");
      }
      *parseBlockScalar() {
        let nl = this.pos - 1;
        let indent = 0;
        let ch;
        loop: for (let i2 = this.pos; ch = this.buffer[i2]; ++i2) {
          switch (ch) {
            case " ":
              indent += 1;
              break;
            case "\n":
              nl = i2;
              indent = 0;
              break;
            case "\r": {
              const next = this.buffer[i2 + 1];
              if (!next && !this.atEnd)
                return this.setNext("block-scalar");
              if (next === "\n")
                break;
            }
            // fallthrough
            default:
              break loop;
          }
        }
        if (!ch && !this.atEnd)
          return this.setNext("block-scalar");
        if (indent >= this.indentNext) {
          if (this.blockScalarIndent === -1)
            this.indentNext = indent;
          else {
            this.indentNext = this.blockScalarIndent + (this.indentNext === 0 ? 1 : this.indentNext);
          }
          do {
            const cs = this.continueScalar(nl + 1);
            if (cs === -1)
              break;
            nl = this.buffer.indexOf("\n", cs);
          } while (nl !== -1);
          if (nl === -1) {
            if (!this.atEnd)
              return this.setNext("block-scalar");
            nl = this.buffer.length;
          }
        }
        let i = nl + 1;
        ch = this.buffer[i];
        while (ch === " ")
          ch = this.buffer[++i];
        if (ch === "	") {
          while (ch === "	" || ch === " " || ch === "\r" || ch === "\n")
            ch = this.buffer[++i];
          nl = i - 1;
        } else if (!this.blockScalarKeep) {
          do {
            let i2 = nl - 1;
            let ch2 = this.buffer[i2];
            if (ch2 === "\r")
              ch2 = this.buffer[--i2];
            const lastChar = i2;
            while (ch2 === " ")
              ch2 = this.buffer[--i2];
            if (ch2 === "\n" && i2 >= this.pos && i2 + 1 + indent > lastChar)
              nl = i2;
            else
              break;
          } while (true);
        }
        yield cst.SCALAR;
        yield* this.pushToIndex(nl + 1, true);
        return yield* this.parseLineStart();
      }
      *parsePlainScalar() {
        const inFlow = this.flowLevel > 0;
        let end = this.pos - 1;
        let i = this.pos - 1;
        let ch;
        while (ch = this.buffer[++i]) {
          if (ch === ":") {
            const next = this.buffer[i + 1];
            if (isEmpty(next) || inFlow && flowIndicatorChars.has(next))
              break;
            end = i;
          } else if (isEmpty(ch)) {
            let next = this.buffer[i + 1];
            if (ch === "\r") {
              if (next === "\n") {
                i += 1;
                ch = "\n";
                next = this.buffer[i + 1];
              } else
                end = i;
            }
            if (next === "#" || inFlow && flowIndicatorChars.has(next))
              break;
            if (ch === "\n") {
              const cs = this.continueScalar(i + 1);
              if (cs === -1)
                break;
              i = Math.max(i, cs - 2);
            }
          } else {
            if (inFlow && flowIndicatorChars.has(ch))
              break;
            end = i;
          }
        }
        if (!ch && !this.atEnd)
          return this.setNext("plain-scalar");
        yield cst.SCALAR;
        yield* this.pushToIndex(end + 1, true);
        return inFlow ? "flow" : "doc";
      }
      *pushCount(n) {
        if (n > 0) {
          yield this.buffer.substr(this.pos, n);
          this.pos += n;
          return n;
        }
        return 0;
      }
      *pushToIndex(i, allowEmpty) {
        const s = this.buffer.slice(this.pos, i);
        if (s) {
          yield s;
          this.pos += s.length;
          return s.length;
        } else if (allowEmpty)
          yield "";
        return 0;
      }
      *pushIndicators() {
        let n = 0;
        loop: while (true) {
          switch (this.charAt(0)) {
            case "!":
              n += yield* this.pushTag();
              n += yield* this.pushSpaces(true);
              continue loop;
            case "&":
              n += yield* this.pushUntil(isNotAnchorChar);
              n += yield* this.pushSpaces(true);
              continue loop;
            case "-":
            // this is an error
            case "?":
            // this is an error outside flow collections
            case ":": {
              const inFlow = this.flowLevel > 0;
              const ch1 = this.charAt(1);
              if (isEmpty(ch1) || inFlow && flowIndicatorChars.has(ch1)) {
                if (!inFlow)
                  this.indentNext = this.indentValue + 1;
                else if (this.flowKey)
                  this.flowKey = false;
                n += yield* this.pushCount(1);
                n += yield* this.pushSpaces(true);
                continue loop;
              }
            }
          }
          break loop;
        }
        return n;
      }
      *pushTag() {
        if (this.charAt(1) === "<") {
          let i = this.pos + 2;
          let ch = this.buffer[i];
          while (!isEmpty(ch) && ch !== ">")
            ch = this.buffer[++i];
          return yield* this.pushToIndex(ch === ">" ? i + 1 : i, false);
        } else {
          let i = this.pos + 1;
          let ch = this.buffer[i];
          while (ch) {
            if (tagChars.has(ch))
              ch = this.buffer[++i];
            else if (ch === "%" && hexDigits.has(this.buffer[i + 1]) && hexDigits.has(this.buffer[i + 2])) {
              ch = this.buffer[i += 3];
            } else
              break;
          }
          return yield* this.pushToIndex(i, false);
        }
      }
      *pushNewline() {
        const ch = this.buffer[this.pos];
        if (ch === "\n")
          return yield* this.pushCount(1);
        else if (ch === "\r" && this.charAt(1) === "\n")
          return yield* this.pushCount(2);
        else
          return 0;
      }
      *pushSpaces(allowTabs) {
        let i = this.pos - 1;
        let ch;
        do {
          ch = this.buffer[++i];
        } while (ch === " " || allowTabs && ch === "	");
        const n = i - this.pos;
        if (n > 0) {
          yield this.buffer.substr(this.pos, n);
          this.pos = i;
        }
        return n;
      }
      *pushUntil(test) {
        let i = this.pos;
        let ch = this.buffer[i];
        while (!test(ch))
          ch = this.buffer[++i];
        return yield* this.pushToIndex(i, false);
      }
    };
    exports.Lexer = Lexer;
  }
});

// npm/yaml/2.9.1/dist/parse/line-counter.js
var require_line_counter = __commonJS({
  "npm/yaml/2.9.1/dist/parse/line-counter.js"(exports) {
    "use strict";
    var LineCounter = class {
      constructor() {
        this.lineStarts = [];
        this.addNewLine = (offset) => this.lineStarts.push(offset);
        this.linePos = (offset) => {
          let low = 0;
          let high = this.lineStarts.length;
          while (low < high) {
            const mid = low + high >> 1;
            if (this.lineStarts[mid] < offset)
              low = mid + 1;
            else
              high = mid;
          }
          if (this.lineStarts[low] === offset)
            return { line: low + 1, col: 1 };
          if (low === 0)
            return { line: 0, col: offset };
          const start = this.lineStarts[low - 1];
          return { line: low, col: offset - start + 1 };
        };
      }
    };
    exports.LineCounter = LineCounter;
  }
});

// npm/yaml/2.9.1/dist/parse/parser.js
var require_parser = __commonJS({
  "npm/yaml/2.9.1/dist/parse/parser.js"(exports) {
    "use strict";
    var node_process = __require("process");
    var cst = require_cst();
    var lexer = require_lexer();
    function includesToken(list, type) {
      for (let i = 0; i < list.length; ++i)
        if (list[i].type === type)
          return true;
      return false;
    }
    function findNonEmptyIndex(list) {
      for (let i = 0; i < list.length; ++i) {
        switch (list[i].type) {
          case "space":
          case "comment":
          case "newline":
            break;
          default:
            return i;
        }
      }
      return -1;
    }
    function isFlowToken(token) {
      switch (token?.type) {
        case "alias":
        case "scalar":
        case "single-quoted-scalar":
        case "double-quoted-scalar":
        case "flow-collection":
          return true;
        default:
          return false;
      }
    }
    function getPrevProps(parent) {
      switch (parent.type) {
        case "document":
          return parent.start;
        case "block-map": {
          const it = parent.items[parent.items.length - 1];
          return it.sep ?? it.start;
        }
        case "block-seq":
          return parent.items[parent.items.length - 1].start;
        /* istanbul ignore next should not happen */
        default:
          return [];
      }
    }
    function getFirstKeyStartProps(prev) {
      if (prev.length === 0)
        return [];
      let i = prev.length;
      loop: while (--i >= 0) {
        switch (prev[i].type) {
          case "doc-start":
          case "explicit-key-ind":
          case "map-value-ind":
          case "seq-item-ind":
          case "newline":
            break loop;
        }
      }
      while (prev[++i]?.type === "space") {
      }
      return prev.splice(i, prev.length);
    }
    function arrayPushArray(target, source) {
      if (source.length < 1e5)
        Array.prototype.push.apply(target, source);
      else
        for (let i = 0; i < source.length; ++i)
          target.push(source[i]);
    }
    function fixFlowSeqItems(fc) {
      if (fc.start.type === "flow-seq-start") {
        for (const it of fc.items) {
          if (it.sep && !it.value && !includesToken(it.start, "explicit-key-ind") && !includesToken(it.sep, "map-value-ind")) {
            if (it.key)
              it.value = it.key;
            delete it.key;
            if (isFlowToken(it.value)) {
              if (it.value.end)
                arrayPushArray(it.value.end, it.sep);
              else
                it.value.end = it.sep;
            } else
              arrayPushArray(it.start, it.sep);
            delete it.sep;
          }
        }
      }
    }
    var Parser2 = class {
      /**
       * @param onNewLine - If defined, called separately with the start position of
       *   each new line (in `parse()`, including the start of input).
       */
      constructor(onNewLine) {
        this.atNewLine = true;
        this.atScalar = false;
        this.indent = 0;
        this.offset = 0;
        this.onKeyLine = false;
        this.stack = [];
        this.source = "";
        this.type = "";
        this.lexer = new lexer.Lexer();
        this.onNewLine = onNewLine;
      }
      /**
       * Parse `source` as a YAML stream.
       * If `incomplete`, a part of the last line may be left as a buffer for the next call.
       *
       * Errors are not thrown, but yielded as `{ type: 'error', message }` tokens.
       *
       * @returns A generator of tokens representing each directive, document, and other structure.
       */
      *parse(source, incomplete = false) {
        if (this.onNewLine && this.offset === 0)
          this.onNewLine(0);
        for (const lexeme of this.lexer.lex(source, incomplete))
          yield* this.next(lexeme);
        if (!incomplete)
          yield* this.end();
      }
      /**
       * Advance the parser by the `source` of one lexical token.
       */
      *next(source) {
        this.source = source;
        if (node_process.env.LOG_TOKENS)
          console.log("|", cst.prettyToken(source));
        if (this.atScalar) {
          this.atScalar = false;
          yield* this.step();
          this.offset += source.length;
          return;
        }
        const type = cst.tokenType(source);
        if (!type) {
          const message = `Not a YAML token: ${source}`;
          yield* this.pop({ type: "error", offset: this.offset, message, source });
          this.offset += source.length;
        } else if (type === "scalar") {
          this.atNewLine = false;
          this.atScalar = true;
          this.type = "scalar";
        } else {
          this.type = type;
          yield* this.step();
          switch (type) {
            case "newline":
              this.atNewLine = true;
              this.indent = 0;
              if (this.onNewLine)
                this.onNewLine(this.offset + source.length);
              break;
            case "space":
              if (this.atNewLine && source[0] === " ")
                this.indent += source.length;
              break;
            case "explicit-key-ind":
            case "map-value-ind":
            case "seq-item-ind":
              if (this.atNewLine)
                this.indent += source.length;
              break;
            case "doc-mode":
            case "flow-error-end":
              return;
            default:
              this.atNewLine = false;
          }
          this.offset += source.length;
        }
      }
      /** Call at end of input to push out any remaining constructions */
      *end() {
        while (this.stack.length > 0)
          yield* this.pop();
      }
      get sourceToken() {
        const st = {
          type: this.type,
          offset: this.offset,
          indent: this.indent,
          source: this.source
        };
        return st;
      }
      *step() {
        const top = this.peek(1);
        if (this.type === "doc-end" && top?.type !== "doc-end") {
          while (this.stack.length > 0)
            yield* this.pop();
          this.stack.push({
            type: "doc-end",
            offset: this.offset,
            source: this.source
          });
          return;
        }
        if (!top)
          return yield* this.stream();
        switch (top.type) {
          case "document":
            return yield* this.document(top);
          case "alias":
          case "scalar":
          case "single-quoted-scalar":
          case "double-quoted-scalar":
            return yield* this.scalar(top);
          case "block-scalar":
            return yield* this.blockScalar(top);
          case "block-map":
            return yield* this.blockMap(top);
          case "block-seq":
            return yield* this.blockSequence(top);
          case "flow-collection":
            return yield* this.flowCollection(top);
          case "doc-end":
            return yield* this.documentEnd(top);
        }
        yield* this.pop();
      }
      peek(n) {
        return this.stack[this.stack.length - n];
      }
      *pop(error) {
        const token = error ?? this.stack.pop();
        if (!token) {
          const message = "Tried to pop an empty stack";
          yield { type: "error", offset: this.offset, source: "", message };
        } else if (this.stack.length === 0) {
          yield token;
        } else {
          const top = this.peek(1);
          if (token.type === "block-scalar") {
            token.indent = "indent" in top ? top.indent : 0;
          } else if (token.type === "flow-collection" && top.type === "document") {
            token.indent = 0;
          }
          if (token.type === "flow-collection")
            fixFlowSeqItems(token);
          switch (top.type) {
            case "document":
              top.value = token;
              break;
            case "block-scalar":
              top.props.push(token);
              break;
            case "block-map": {
              const it = top.items[top.items.length - 1];
              if (it.value) {
                top.items.push({ start: [], key: token, sep: [] });
                this.onKeyLine = true;
                return;
              } else if (it.sep) {
                it.value = token;
              } else {
                Object.assign(it, { key: token, sep: [] });
                this.onKeyLine = !it.explicitKey;
                return;
              }
              break;
            }
            case "block-seq": {
              const it = top.items[top.items.length - 1];
              if (it.value)
                top.items.push({ start: [], value: token });
              else
                it.value = token;
              break;
            }
            case "flow-collection": {
              const it = top.items[top.items.length - 1];
              if (!it || it.value)
                top.items.push({ start: [], key: token, sep: [] });
              else if (it.sep)
                it.value = token;
              else
                Object.assign(it, { key: token, sep: [] });
              return;
            }
            /* istanbul ignore next should not happen */
            default:
              yield* this.pop();
              yield* this.pop(token);
          }
          if ((top.type === "document" || top.type === "block-map" || top.type === "block-seq") && (token.type === "block-map" || token.type === "block-seq")) {
            const last = token.items[token.items.length - 1];
            if (last && !last.sep && !last.value && last.start.length > 0 && findNonEmptyIndex(last.start) === -1 && (token.indent === 0 || last.start.every((st) => st.type !== "comment" || st.indent < token.indent))) {
              if (top.type === "document")
                top.end = last.start;
              else
                top.items.push({ start: last.start });
              token.items.splice(-1, 1);
            }
          }
        }
      }
      *stream() {
        switch (this.type) {
          case "directive-line":
            yield { type: "directive", offset: this.offset, source: this.source };
            return;
          case "byte-order-mark":
          case "space":
          case "comment":
          case "newline":
            yield this.sourceToken;
            return;
          case "doc-mode":
          case "doc-start": {
            const doc = {
              type: "document",
              offset: this.offset,
              start: []
            };
            if (this.type === "doc-start")
              doc.start.push(this.sourceToken);
            this.stack.push(doc);
            return;
          }
        }
        yield {
          type: "error",
          offset: this.offset,
          message: `Unexpected ${this.type} token in YAML stream`,
          source: this.source
        };
      }
      *document(doc) {
        if (doc.value)
          return yield* this.lineEnd(doc);
        switch (this.type) {
          case "doc-start": {
            if (findNonEmptyIndex(doc.start) !== -1) {
              yield* this.pop();
              yield* this.step();
            } else
              doc.start.push(this.sourceToken);
            return;
          }
          case "anchor":
          case "tag":
          case "space":
          case "comment":
          case "newline":
            doc.start.push(this.sourceToken);
            return;
        }
        const bv = this.startBlockValue(doc);
        if (bv)
          this.stack.push(bv);
        else {
          yield {
            type: "error",
            offset: this.offset,
            message: `Unexpected ${this.type} token in YAML document`,
            source: this.source
          };
        }
      }
      *scalar(scalar) {
        if (this.type === "map-value-ind") {
          const prev = getPrevProps(this.peek(2));
          const start = getFirstKeyStartProps(prev);
          let sep;
          if (scalar.end) {
            sep = scalar.end;
            sep.push(this.sourceToken);
            delete scalar.end;
          } else
            sep = [this.sourceToken];
          const map = {
            type: "block-map",
            offset: scalar.offset,
            indent: scalar.indent,
            items: [{ start, key: scalar, sep }]
          };
          this.onKeyLine = true;
          this.stack[this.stack.length - 1] = map;
        } else
          yield* this.lineEnd(scalar);
      }
      *blockScalar(scalar) {
        switch (this.type) {
          case "space":
          case "comment":
          case "newline":
            scalar.props.push(this.sourceToken);
            return;
          case "scalar":
            scalar.source = this.source;
            this.atNewLine = true;
            this.indent = 0;
            if (this.onNewLine) {
              let nl = this.source.indexOf("\n") + 1;
              while (nl !== 0) {
                this.onNewLine(this.offset + nl);
                nl = this.source.indexOf("\n", nl) + 1;
              }
            }
            yield* this.pop();
            break;
          /* istanbul ignore next should not happen */
          default:
            yield* this.pop();
            yield* this.step();
        }
      }
      *blockMap(map) {
        const it = map.items[map.items.length - 1];
        switch (this.type) {
          case "newline":
            this.onKeyLine = false;
            if (it.value) {
              const end = "end" in it.value ? it.value.end : void 0;
              const last = Array.isArray(end) ? end[end.length - 1] : void 0;
              if (last?.type === "comment")
                end?.push(this.sourceToken);
              else
                map.items.push({ start: [this.sourceToken] });
            } else if (it.sep) {
              it.sep.push(this.sourceToken);
            } else {
              it.start.push(this.sourceToken);
            }
            return;
          case "space":
          case "comment":
            if (it.value) {
              map.items.push({ start: [this.sourceToken] });
            } else if (it.sep) {
              it.sep.push(this.sourceToken);
            } else {
              if (this.atIndentedComment(it.start, map.indent)) {
                const prev = map.items[map.items.length - 2];
                const end = prev?.value?.end;
                if (Array.isArray(end)) {
                  arrayPushArray(end, it.start);
                  end.push(this.sourceToken);
                  map.items.pop();
                  return;
                }
              }
              it.start.push(this.sourceToken);
            }
            return;
        }
        if (this.indent >= map.indent) {
          const atMapIndent = !this.onKeyLine && this.indent === map.indent;
          const atNextItem = atMapIndent && (it.sep || it.explicitKey) && this.type !== "seq-item-ind";
          let start = [];
          if (atNextItem && it.sep && !it.value) {
            const nl = [];
            for (let i = 0; i < it.sep.length; ++i) {
              const st = it.sep[i];
              switch (st.type) {
                case "newline":
                  nl.push(i);
                  break;
                case "space":
                  break;
                case "comment":
                  if (st.indent > map.indent)
                    nl.length = 0;
                  break;
                default:
                  nl.length = 0;
              }
            }
            if (nl.length >= 2)
              start = it.sep.splice(nl[1]);
          }
          switch (this.type) {
            case "anchor":
            case "tag":
              if (atNextItem || it.value) {
                start.push(this.sourceToken);
                map.items.push({ start });
                this.onKeyLine = true;
              } else if (it.sep) {
                it.sep.push(this.sourceToken);
              } else {
                it.start.push(this.sourceToken);
              }
              return;
            case "explicit-key-ind":
              if (!it.sep && !it.explicitKey) {
                it.start.push(this.sourceToken);
                it.explicitKey = true;
              } else if (atNextItem || it.value) {
                start.push(this.sourceToken);
                map.items.push({ start, explicitKey: true });
              } else {
                this.stack.push({
                  type: "block-map",
                  offset: this.offset,
                  indent: this.indent,
                  items: [{ start: [this.sourceToken], explicitKey: true }]
                });
              }
              this.onKeyLine = true;
              return;
            case "map-value-ind":
              if (it.explicitKey) {
                if (!it.sep) {
                  if (includesToken(it.start, "newline")) {
                    Object.assign(it, { key: null, sep: [this.sourceToken] });
                  } else {
                    const start2 = getFirstKeyStartProps(it.start);
                    this.stack.push({
                      type: "block-map",
                      offset: this.offset,
                      indent: this.indent,
                      items: [{ start: start2, key: null, sep: [this.sourceToken] }]
                    });
                  }
                } else if (it.value) {
                  map.items.push({ start: [], key: null, sep: [this.sourceToken] });
                } else if (includesToken(it.sep, "map-value-ind")) {
                  this.stack.push({
                    type: "block-map",
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start, key: null, sep: [this.sourceToken] }]
                  });
                } else if (isFlowToken(it.key) && !includesToken(it.sep, "newline")) {
                  const start2 = getFirstKeyStartProps(it.start);
                  const key = it.key;
                  const sep = it.sep;
                  sep.push(this.sourceToken);
                  delete it.key;
                  delete it.sep;
                  this.stack.push({
                    type: "block-map",
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start: start2, key, sep }]
                  });
                } else if (start.length > 0) {
                  it.sep = it.sep.concat(start, this.sourceToken);
                } else {
                  it.sep.push(this.sourceToken);
                }
              } else {
                if (!it.sep) {
                  Object.assign(it, { key: null, sep: [this.sourceToken] });
                } else if (it.value || atNextItem) {
                  map.items.push({ start, key: null, sep: [this.sourceToken] });
                } else if (includesToken(it.sep, "map-value-ind")) {
                  this.stack.push({
                    type: "block-map",
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start: [], key: null, sep: [this.sourceToken] }]
                  });
                } else {
                  it.sep.push(this.sourceToken);
                }
              }
              this.onKeyLine = true;
              return;
            case "alias":
            case "scalar":
            case "single-quoted-scalar":
            case "double-quoted-scalar": {
              const fs = this.flowScalar(this.type);
              if (atNextItem || it.value) {
                map.items.push({ start, key: fs, sep: [] });
                this.onKeyLine = true;
              } else if (it.sep) {
                this.stack.push(fs);
              } else {
                Object.assign(it, { key: fs, sep: [] });
                this.onKeyLine = true;
              }
              return;
            }
            default: {
              const bv = this.startBlockValue(map);
              if (bv) {
                if (bv.type === "block-seq") {
                  if (!it.explicitKey && it.sep && !includesToken(it.sep, "newline")) {
                    yield* this.pop({
                      type: "error",
                      offset: this.offset,
                      message: "Unexpected block-seq-ind on same line with key",
                      source: this.source
                    });
                    return;
                  }
                } else if (atMapIndent) {
                  map.items.push({ start });
                }
                this.stack.push(bv);
                return;
              }
            }
          }
        }
        yield* this.pop();
        yield* this.step();
      }
      *blockSequence(seq) {
        const it = seq.items[seq.items.length - 1];
        switch (this.type) {
          case "newline":
            if (it.value) {
              const end = "end" in it.value ? it.value.end : void 0;
              const last = Array.isArray(end) ? end[end.length - 1] : void 0;
              if (last?.type === "comment")
                end?.push(this.sourceToken);
              else
                seq.items.push({ start: [this.sourceToken] });
            } else
              it.start.push(this.sourceToken);
            return;
          case "space":
          case "comment":
            if (it.value)
              seq.items.push({ start: [this.sourceToken] });
            else {
              if (this.atIndentedComment(it.start, seq.indent)) {
                const prev = seq.items[seq.items.length - 2];
                const end = prev?.value?.end;
                if (Array.isArray(end)) {
                  arrayPushArray(end, it.start);
                  end.push(this.sourceToken);
                  seq.items.pop();
                  return;
                }
              }
              it.start.push(this.sourceToken);
            }
            return;
          case "anchor":
          case "tag":
            if (it.value || this.indent <= seq.indent)
              break;
            it.start.push(this.sourceToken);
            return;
          case "seq-item-ind":
            if (this.indent !== seq.indent)
              break;
            if (it.value || includesToken(it.start, "seq-item-ind"))
              seq.items.push({ start: [this.sourceToken] });
            else
              it.start.push(this.sourceToken);
            return;
        }
        if (this.indent > seq.indent) {
          const bv = this.startBlockValue(seq);
          if (bv) {
            this.stack.push(bv);
            return;
          }
        }
        yield* this.pop();
        yield* this.step();
      }
      *flowCollection(fc) {
        const it = fc.items[fc.items.length - 1];
        if (this.type === "flow-error-end") {
          let top;
          do {
            yield* this.pop();
            top = this.peek(1);
          } while (top?.type === "flow-collection");
        } else if (fc.end.length === 0) {
          switch (this.type) {
            case "comma":
            case "explicit-key-ind":
              if (!it || it.sep)
                fc.items.push({ start: [this.sourceToken] });
              else
                it.start.push(this.sourceToken);
              return;
            case "map-value-ind":
              if (!it || it.value)
                fc.items.push({ start: [], key: null, sep: [this.sourceToken] });
              else if (it.sep)
                it.sep.push(this.sourceToken);
              else
                Object.assign(it, { key: null, sep: [this.sourceToken] });
              return;
            case "space":
            case "comment":
            case "newline":
            case "anchor":
            case "tag":
              if (!it || it.value)
                fc.items.push({ start: [this.sourceToken] });
              else if (it.sep)
                it.sep.push(this.sourceToken);
              else
                it.start.push(this.sourceToken);
              return;
            case "alias":
            case "scalar":
            case "single-quoted-scalar":
            case "double-quoted-scalar": {
              const fs = this.flowScalar(this.type);
              if (!it || it.value)
                fc.items.push({ start: [], key: fs, sep: [] });
              else if (it.sep)
                this.stack.push(fs);
              else
                Object.assign(it, { key: fs, sep: [] });
              return;
            }
            case "flow-map-end":
            case "flow-seq-end":
              fc.end.push(this.sourceToken);
              return;
          }
          const bv = this.startBlockValue(fc);
          if (bv)
            this.stack.push(bv);
          else {
            yield* this.pop();
            yield* this.step();
          }
        } else {
          const parent = this.peek(2);
          if (parent.type === "block-map" && (this.type === "map-value-ind" && parent.indent === fc.indent || this.type === "newline" && !parent.items[parent.items.length - 1].sep)) {
            yield* this.pop();
            yield* this.step();
          } else if (this.type === "map-value-ind" && parent.type !== "flow-collection") {
            const prev = getPrevProps(parent);
            const start = getFirstKeyStartProps(prev);
            fixFlowSeqItems(fc);
            const sep = fc.end.splice(1, fc.end.length);
            sep.push(this.sourceToken);
            const map = {
              type: "block-map",
              offset: fc.offset,
              indent: fc.indent,
              items: [{ start, key: fc, sep }]
            };
            this.onKeyLine = true;
            this.stack[this.stack.length - 1] = map;
          } else {
            yield* this.lineEnd(fc);
          }
        }
      }
      flowScalar(type) {
        if (this.onNewLine) {
          let nl = this.source.indexOf("\n") + 1;
          while (nl !== 0) {
            this.onNewLine(this.offset + nl);
            nl = this.source.indexOf("\n", nl) + 1;
          }
        }
        return {
          type,
          offset: this.offset,
          indent: this.indent,
          source: this.source
        };
      }
      startBlockValue(parent) {
        switch (this.type) {
          case "alias":
          case "scalar":
          case "single-quoted-scalar":
          case "double-quoted-scalar":
            return this.flowScalar(this.type);
          case "block-scalar-header":
            return {
              type: "block-scalar",
              offset: this.offset,
              indent: this.indent,
              props: [this.sourceToken],
              source: ""
            };
          case "flow-map-start":
          case "flow-seq-start":
            return {
              type: "flow-collection",
              offset: this.offset,
              indent: this.indent,
              start: this.sourceToken,
              items: [],
              end: []
            };
          case "seq-item-ind":
            return {
              type: "block-seq",
              offset: this.offset,
              indent: this.indent,
              items: [{ start: [this.sourceToken] }]
            };
          case "explicit-key-ind": {
            this.onKeyLine = true;
            const prev = getPrevProps(parent);
            const start = getFirstKeyStartProps(prev);
            start.push(this.sourceToken);
            return {
              type: "block-map",
              offset: this.offset,
              indent: this.indent,
              items: [{ start, explicitKey: true }]
            };
          }
          case "map-value-ind": {
            this.onKeyLine = true;
            const prev = getPrevProps(parent);
            const start = getFirstKeyStartProps(prev);
            return {
              type: "block-map",
              offset: this.offset,
              indent: this.indent,
              items: [{ start, key: null, sep: [this.sourceToken] }]
            };
          }
        }
        return null;
      }
      atIndentedComment(start, indent) {
        if (this.type !== "comment")
          return false;
        if (this.indent <= indent)
          return false;
        return start.every((st) => st.type === "newline" || st.type === "space");
      }
      *documentEnd(docEnd) {
        if (this.type !== "doc-mode") {
          if (docEnd.end)
            docEnd.end.push(this.sourceToken);
          else
            docEnd.end = [this.sourceToken];
          if (this.type === "newline")
            yield* this.pop();
        }
      }
      *lineEnd(token) {
        switch (this.type) {
          case "comma":
          case "doc-start":
          case "doc-end":
          case "flow-seq-end":
          case "flow-map-end":
          case "map-value-ind":
            yield* this.pop();
            yield* this.step();
            break;
          case "newline":
            this.onKeyLine = false;
          // fallthrough
          case "space":
          case "comment":
          default:
            if (token.end)
              token.end.push(this.sourceToken);
            else
              token.end = [this.sourceToken];
            if (this.type === "newline")
              yield* this.pop();
        }
      }
    };
    exports.Parser = Parser2;
  }
});

// npm/yaml/2.9.1/dist/public-api.js
var require_public_api = __commonJS({
  "npm/yaml/2.9.1/dist/public-api.js"(exports) {
    "use strict";
    var composer = require_composer();
    var Document = require_Document();
    var errors = require_errors();
    var log = require_log();
    var identity = require_identity();
    var lineCounter = require_line_counter();
    var parser = require_parser();
    function parseOptions(options) {
      const prettyErrors = options.prettyErrors !== false;
      const lineCounter$1 = options.lineCounter || prettyErrors && new lineCounter.LineCounter() || null;
      return { lineCounter: lineCounter$1, prettyErrors };
    }
    function parseAllDocuments(source, options = {}) {
      const { lineCounter: lineCounter2, prettyErrors } = parseOptions(options);
      const parser$1 = new parser.Parser(lineCounter2?.addNewLine);
      const composer$1 = new composer.Composer(options);
      const docs = Array.from(composer$1.compose(parser$1.parse(source)));
      if (prettyErrors && lineCounter2)
        for (const doc of docs) {
          doc.errors.forEach(errors.prettifyError(source, lineCounter2));
          doc.warnings.forEach(errors.prettifyError(source, lineCounter2));
        }
      if (docs.length > 0)
        return docs;
      return Object.assign([], { empty: true }, composer$1.streamInfo());
    }
    function parseDocument(source, options = {}) {
      const { lineCounter: lineCounter2, prettyErrors } = parseOptions(options);
      const parser$1 = new parser.Parser(lineCounter2?.addNewLine);
      const composer$1 = new composer.Composer(options);
      let doc = null;
      for (const _doc of composer$1.compose(parser$1.parse(source), true, source.length)) {
        if (!doc)
          doc = _doc;
        else if (doc.options.logLevel !== "silent") {
          doc.errors.push(new errors.YAMLParseError(_doc.range.slice(0, 2), "MULTIPLE_DOCS", "Source contains multiple documents; please use YAML.parseAllDocuments()"));
          break;
        }
      }
      if (prettyErrors && lineCounter2) {
        doc.errors.forEach(errors.prettifyError(source, lineCounter2));
        doc.warnings.forEach(errors.prettifyError(source, lineCounter2));
      }
      return doc;
    }
    function parse(src, reviver, options) {
      let _reviver = void 0;
      if (typeof reviver === "function") {
        _reviver = reviver;
      } else if (options === void 0 && reviver && typeof reviver === "object") {
        options = reviver;
      }
      const doc = parseDocument(src, options);
      if (!doc)
        return null;
      doc.warnings.forEach((warning) => log.warn(doc.options.logLevel, warning));
      if (doc.errors.length > 0) {
        if (doc.options.logLevel !== "silent")
          throw doc.errors[0];
        else
          doc.errors = [];
      }
      return doc.toJS(Object.assign({ reviver: _reviver }, options));
    }
    function stringify(value, replacer, options) {
      let _replacer = null;
      if (typeof replacer === "function" || Array.isArray(replacer)) {
        _replacer = replacer;
      } else if (options === void 0 && replacer) {
        options = replacer;
      }
      if (typeof options === "string")
        options = options.length;
      if (typeof options === "number") {
        const indent = Math.round(options);
        options = indent < 1 ? void 0 : indent > 8 ? { indent: 8 } : { indent };
      }
      if (value === void 0) {
        const { keepUndefined } = options ?? replacer ?? {};
        if (!keepUndefined)
          return void 0;
      }
      if (identity.isDocument(value) && !_replacer)
        return value.toString(options);
      return new Document.Document(value, _replacer, options).toString(options);
    }
    exports.parse = parse;
    exports.parseAllDocuments = parseAllDocuments;
    exports.parseDocument = parseDocument;
    exports.stringify = stringify;
  }
});

// npm/yaml/2.9.1/dist/index.js
var require_dist = __commonJS({
  "npm/yaml/2.9.1/dist/index.js"(exports) {
    "use strict";
    var composer = require_composer();
    var Document = require_Document();
    var Schema = require_Schema();
    var errors = require_errors();
    var Alias = require_Alias();
    var identity = require_identity();
    var Pair = require_Pair();
    var Scalar = require_Scalar();
    var YAMLMap = require_YAMLMap();
    var YAMLSeq = require_YAMLSeq();
    var cst = require_cst();
    var lexer = require_lexer();
    var lineCounter = require_line_counter();
    var parser = require_parser();
    var publicApi = require_public_api();
    var visit = require_visit();
    exports.Composer = composer.Composer;
    exports.Document = Document.Document;
    exports.Schema = Schema.Schema;
    exports.YAMLError = errors.YAMLError;
    exports.YAMLParseError = errors.YAMLParseError;
    exports.YAMLWarning = errors.YAMLWarning;
    exports.Alias = Alias.Alias;
    exports.isAlias = identity.isAlias;
    exports.isCollection = identity.isCollection;
    exports.isDocument = identity.isDocument;
    exports.isMap = identity.isMap;
    exports.isNode = identity.isNode;
    exports.isPair = identity.isPair;
    exports.isScalar = identity.isScalar;
    exports.isSeq = identity.isSeq;
    exports.Pair = Pair.Pair;
    exports.Scalar = Scalar.Scalar;
    exports.YAMLMap = YAMLMap.YAMLMap;
    exports.YAMLSeq = YAMLSeq.YAMLSeq;
    exports.CST = cst;
    exports.Lexer = lexer.Lexer;
    exports.LineCounter = lineCounter.LineCounter;
    exports.Parser = parser.Parser;
    exports.parse = publicApi.parse;
    exports.parseAllDocuments = publicApi.parseAllDocuments;
    exports.parseDocument = publicApi.parseDocument;
    exports.stringify = publicApi.stringify;
    exports.visit = visit.visit;
    exports.visitAsync = visit.visitAsync;
  }
});

// npm/ipaddr.js/2.2.0/lib/ipaddr.js
var require_ipaddr = __commonJS({
  "npm/ipaddr.js/2.2.0/lib/ipaddr.js"(exports, module) {
    (function(root) {
      "use strict";
      const ipv4Part = "(0?\\d+|0x[a-f0-9]+)";
      const ipv4Regexes = {
        fourOctet: new RegExp(`^${ipv4Part}\\.${ipv4Part}\\.${ipv4Part}\\.${ipv4Part}$`, "i"),
        threeOctet: new RegExp(`^${ipv4Part}\\.${ipv4Part}\\.${ipv4Part}$`, "i"),
        twoOctet: new RegExp(`^${ipv4Part}\\.${ipv4Part}$`, "i"),
        longValue: new RegExp(`^${ipv4Part}$`, "i")
      };
      const octalRegex = new RegExp(`^0[0-7]+$`, "i");
      const hexRegex = new RegExp(`^0x[a-f0-9]+$`, "i");
      const zoneIndex = "%[0-9a-z]{1,}";
      const ipv6Part = "(?:[0-9a-f]+::?)+";
      const ipv6Regexes = {
        zoneIndex: new RegExp(zoneIndex, "i"),
        "native": new RegExp(`^(::)?(${ipv6Part})?([0-9a-f]+)?(::)?(${zoneIndex})?$`, "i"),
        deprecatedTransitional: new RegExp(`^(?:::)(${ipv4Part}\\.${ipv4Part}\\.${ipv4Part}\\.${ipv4Part}(${zoneIndex})?)$`, "i"),
        transitional: new RegExp(`^((?:${ipv6Part})|(?:::)(?:${ipv6Part})?)${ipv4Part}\\.${ipv4Part}\\.${ipv4Part}\\.${ipv4Part}(${zoneIndex})?$`, "i")
      };
      function expandIPv6(string, parts) {
        if (string.indexOf("::") !== string.lastIndexOf("::")) {
          return null;
        }
        let colonCount = 0;
        let lastColon = -1;
        let zoneId = (string.match(ipv6Regexes.zoneIndex) || [])[0];
        let replacement, replacementCount;
        if (zoneId) {
          zoneId = zoneId.substring(1);
          string = string.replace(/%.+$/, "");
        }
        while ((lastColon = string.indexOf(":", lastColon + 1)) >= 0) {
          colonCount++;
        }
        if (string.substr(0, 2) === "::") {
          colonCount--;
        }
        if (string.substr(-2, 2) === "::") {
          colonCount--;
        }
        if (colonCount > parts) {
          return null;
        }
        replacementCount = parts - colonCount;
        replacement = ":";
        while (replacementCount--) {
          replacement += "0:";
        }
        string = string.replace("::", replacement);
        if (string[0] === ":") {
          string = string.slice(1);
        }
        if (string[string.length - 1] === ":") {
          string = string.slice(0, -1);
        }
        parts = (function() {
          const ref = string.split(":");
          const results = [];
          for (let i = 0; i < ref.length; i++) {
            results.push(parseInt(ref[i], 16));
          }
          return results;
        })();
        return {
          parts,
          zoneId
        };
      }
      function matchCIDR(first, second, partSize, cidrBits) {
        if (first.length !== second.length) {
          throw new Error("ipaddr: cannot match CIDR for objects with different lengths");
        }
        let part = 0;
        let shift;
        while (cidrBits > 0) {
          shift = partSize - cidrBits;
          if (shift < 0) {
            shift = 0;
          }
          if (first[part] >> shift !== second[part] >> shift) {
            return false;
          }
          cidrBits -= partSize;
          part += 1;
        }
        return true;
      }
      function parseIntAuto(string) {
        if (hexRegex.test(string)) {
          return parseInt(string, 16);
        }
        if (string[0] === "0" && !isNaN(parseInt(string[1], 10))) {
          if (octalRegex.test(string)) {
            return parseInt(string, 8);
          }
          throw new Error(`ipaddr: cannot parse ${string} as octal`);
        }
        return parseInt(string, 10);
      }
      function padPart(part, length) {
        while (part.length < length) {
          part = `0${part}`;
        }
        return part;
      }
      const ipaddr2 = {};
      ipaddr2.IPv4 = (function() {
        function IPv4(octets) {
          if (octets.length !== 4) {
            throw new Error("ipaddr: ipv4 octet count should be 4");
          }
          let i, octet;
          for (i = 0; i < octets.length; i++) {
            octet = octets[i];
            if (!(0 <= octet && octet <= 255)) {
              throw new Error("ipaddr: ipv4 octet should fit in 8 bits");
            }
          }
          this.octets = octets;
        }
        IPv4.prototype.SpecialRanges = {
          unspecified: [[new IPv4([0, 0, 0, 0]), 8]],
          broadcast: [[new IPv4([255, 255, 255, 255]), 32]],
          // RFC3171
          multicast: [[new IPv4([224, 0, 0, 0]), 4]],
          // RFC3927
          linkLocal: [[new IPv4([169, 254, 0, 0]), 16]],
          // RFC5735
          loopback: [[new IPv4([127, 0, 0, 0]), 8]],
          // RFC6598
          carrierGradeNat: [[new IPv4([100, 64, 0, 0]), 10]],
          // RFC1918
          "private": [
            [new IPv4([10, 0, 0, 0]), 8],
            [new IPv4([172, 16, 0, 0]), 12],
            [new IPv4([192, 168, 0, 0]), 16]
          ],
          // Reserved and testing-only ranges; RFCs 5735, 5737, 2544, 1700
          reserved: [
            [new IPv4([192, 0, 0, 0]), 24],
            [new IPv4([192, 0, 2, 0]), 24],
            [new IPv4([192, 88, 99, 0]), 24],
            [new IPv4([198, 18, 0, 0]), 15],
            [new IPv4([198, 51, 100, 0]), 24],
            [new IPv4([203, 0, 113, 0]), 24],
            [new IPv4([240, 0, 0, 0]), 4]
          ],
          // RFC7534, RFC7535
          as112: [
            [new IPv4([192, 175, 48, 0]), 24],
            [new IPv4([192, 31, 196, 0]), 24]
          ],
          // RFC7450
          amt: [
            [new IPv4([192, 52, 193, 0]), 24]
          ]
        };
        IPv4.prototype.kind = function() {
          return "ipv4";
        };
        IPv4.prototype.match = function(other, cidrRange) {
          let ref;
          if (cidrRange === void 0) {
            ref = other;
            other = ref[0];
            cidrRange = ref[1];
          }
          if (other.kind() !== "ipv4") {
            throw new Error("ipaddr: cannot match ipv4 address with non-ipv4 one");
          }
          return matchCIDR(this.octets, other.octets, 8, cidrRange);
        };
        IPv4.prototype.prefixLengthFromSubnetMask = function() {
          let cidr = 0;
          let stop = false;
          const zerotable = {
            0: 8,
            128: 7,
            192: 6,
            224: 5,
            240: 4,
            248: 3,
            252: 2,
            254: 1,
            255: 0
          };
          let i, octet, zeros;
          for (i = 3; i >= 0; i -= 1) {
            octet = this.octets[i];
            if (octet in zerotable) {
              zeros = zerotable[octet];
              if (stop && zeros !== 0) {
                return null;
              }
              if (zeros !== 8) {
                stop = true;
              }
              cidr += zeros;
            } else {
              return null;
            }
          }
          return 32 - cidr;
        };
        IPv4.prototype.range = function() {
          return ipaddr2.subnetMatch(this, this.SpecialRanges);
        };
        IPv4.prototype.toByteArray = function() {
          return this.octets.slice(0);
        };
        IPv4.prototype.toIPv4MappedAddress = function() {
          return ipaddr2.IPv6.parse(`::ffff:${this.toString()}`);
        };
        IPv4.prototype.toNormalizedString = function() {
          return this.toString();
        };
        IPv4.prototype.toString = function() {
          return this.octets.join(".");
        };
        return IPv4;
      })();
      ipaddr2.IPv4.broadcastAddressFromCIDR = function(string) {
        try {
          const cidr = this.parseCIDR(string);
          const ipInterfaceOctets = cidr[0].toByteArray();
          const subnetMaskOctets = this.subnetMaskFromPrefixLength(cidr[1]).toByteArray();
          const octets = [];
          let i = 0;
          while (i < 4) {
            octets.push(parseInt(ipInterfaceOctets[i], 10) | parseInt(subnetMaskOctets[i], 10) ^ 255);
            i++;
          }
          return new this(octets);
        } catch (e) {
          throw new Error("ipaddr: the address does not have IPv4 CIDR format");
        }
      };
      ipaddr2.IPv4.isIPv4 = function(string) {
        return this.parser(string) !== null;
      };
      ipaddr2.IPv4.isValid = function(string) {
        try {
          new this(this.parser(string));
          return true;
        } catch (e) {
          return false;
        }
      };
      ipaddr2.IPv4.isValidCIDR = function(string) {
        try {
          this.parseCIDR(string);
          return true;
        } catch (e) {
          return false;
        }
      };
      ipaddr2.IPv4.isValidFourPartDecimal = function(string) {
        if (ipaddr2.IPv4.isValid(string) && string.match(/^(0|[1-9]\d*)(\.(0|[1-9]\d*)){3}$/)) {
          return true;
        } else {
          return false;
        }
      };
      ipaddr2.IPv4.networkAddressFromCIDR = function(string) {
        let cidr, i, ipInterfaceOctets, octets, subnetMaskOctets;
        try {
          cidr = this.parseCIDR(string);
          ipInterfaceOctets = cidr[0].toByteArray();
          subnetMaskOctets = this.subnetMaskFromPrefixLength(cidr[1]).toByteArray();
          octets = [];
          i = 0;
          while (i < 4) {
            octets.push(parseInt(ipInterfaceOctets[i], 10) & parseInt(subnetMaskOctets[i], 10));
            i++;
          }
          return new this(octets);
        } catch (e) {
          throw new Error("ipaddr: the address does not have IPv4 CIDR format");
        }
      };
      ipaddr2.IPv4.parse = function(string) {
        const parts = this.parser(string);
        if (parts === null) {
          throw new Error("ipaddr: string is not formatted like an IPv4 Address");
        }
        return new this(parts);
      };
      ipaddr2.IPv4.parseCIDR = function(string) {
        let match;
        if (match = string.match(/^(.+)\/(\d+)$/)) {
          const maskLength = parseInt(match[2]);
          if (maskLength >= 0 && maskLength <= 32) {
            const parsed = [this.parse(match[1]), maskLength];
            Object.defineProperty(parsed, "toString", {
              value: function() {
                return this.join("/");
              }
            });
            return parsed;
          }
        }
        throw new Error("ipaddr: string is not formatted like an IPv4 CIDR range");
      };
      ipaddr2.IPv4.parser = function(string) {
        let match, part, value;
        if (match = string.match(ipv4Regexes.fourOctet)) {
          return (function() {
            const ref = match.slice(1, 6);
            const results = [];
            for (let i = 0; i < ref.length; i++) {
              part = ref[i];
              results.push(parseIntAuto(part));
            }
            return results;
          })();
        } else if (match = string.match(ipv4Regexes.longValue)) {
          value = parseIntAuto(match[1]);
          if (value > 4294967295 || value < 0) {
            throw new Error("ipaddr: address outside defined range");
          }
          return (function() {
            const results = [];
            let shift;
            for (shift = 0; shift <= 24; shift += 8) {
              results.push(value >> shift & 255);
            }
            return results;
          })().reverse();
        } else if (match = string.match(ipv4Regexes.twoOctet)) {
          return (function() {
            const ref = match.slice(1, 4);
            const results = [];
            value = parseIntAuto(ref[1]);
            if (value > 16777215 || value < 0) {
              throw new Error("ipaddr: address outside defined range");
            }
            results.push(parseIntAuto(ref[0]));
            results.push(value >> 16 & 255);
            results.push(value >> 8 & 255);
            results.push(value & 255);
            return results;
          })();
        } else if (match = string.match(ipv4Regexes.threeOctet)) {
          return (function() {
            const ref = match.slice(1, 5);
            const results = [];
            value = parseIntAuto(ref[2]);
            if (value > 65535 || value < 0) {
              throw new Error("ipaddr: address outside defined range");
            }
            results.push(parseIntAuto(ref[0]));
            results.push(parseIntAuto(ref[1]));
            results.push(value >> 8 & 255);
            results.push(value & 255);
            return results;
          })();
        } else {
          return null;
        }
      };
      ipaddr2.IPv4.subnetMaskFromPrefixLength = function(prefix) {
        prefix = parseInt(prefix);
        if (prefix < 0 || prefix > 32) {
          throw new Error("ipaddr: invalid IPv4 prefix length");
        }
        const octets = [0, 0, 0, 0];
        let j = 0;
        const filledOctetCount = Math.floor(prefix / 8);
        while (j < filledOctetCount) {
          octets[j] = 255;
          j++;
        }
        if (filledOctetCount < 4) {
          octets[filledOctetCount] = Math.pow(2, prefix % 8) - 1 << 8 - prefix % 8;
        }
        return new this(octets);
      };
      ipaddr2.IPv6 = (function() {
        function IPv6(parts, zoneId) {
          let i, part;
          if (parts.length === 16) {
            this.parts = [];
            for (i = 0; i <= 14; i += 2) {
              this.parts.push(parts[i] << 8 | parts[i + 1]);
            }
          } else if (parts.length === 8) {
            this.parts = parts;
          } else {
            throw new Error("ipaddr: ipv6 part count should be 8 or 16");
          }
          for (i = 0; i < this.parts.length; i++) {
            part = this.parts[i];
            if (!(0 <= part && part <= 65535)) {
              throw new Error("ipaddr: ipv6 part should fit in 16 bits");
            }
          }
          if (zoneId) {
            this.zoneId = zoneId;
          }
        }
        IPv6.prototype.SpecialRanges = {
          // RFC4291, here and after
          unspecified: [new IPv6([0, 0, 0, 0, 0, 0, 0, 0]), 128],
          linkLocal: [new IPv6([65152, 0, 0, 0, 0, 0, 0, 0]), 10],
          multicast: [new IPv6([65280, 0, 0, 0, 0, 0, 0, 0]), 8],
          loopback: [new IPv6([0, 0, 0, 0, 0, 0, 0, 1]), 128],
          uniqueLocal: [new IPv6([64512, 0, 0, 0, 0, 0, 0, 0]), 7],
          ipv4Mapped: [new IPv6([0, 0, 0, 0, 0, 65535, 0, 0]), 96],
          // RFC6666
          discard: [new IPv6([256, 0, 0, 0, 0, 0, 0, 0]), 64],
          // RFC6145
          rfc6145: [new IPv6([0, 0, 0, 0, 65535, 0, 0, 0]), 96],
          // RFC6052
          rfc6052: [new IPv6([100, 65435, 0, 0, 0, 0, 0, 0]), 96],
          // RFC3056
          "6to4": [new IPv6([8194, 0, 0, 0, 0, 0, 0, 0]), 16],
          // RFC6052, RFC6146
          teredo: [new IPv6([8193, 0, 0, 0, 0, 0, 0, 0]), 32],
          // RFC5180
          benchmarking: [new IPv6([8193, 2, 0, 0, 0, 0, 0, 0]), 48],
          // RFC7450
          amt: [new IPv6([8193, 3, 0, 0, 0, 0, 0, 0]), 32],
          as112v6: [
            [new IPv6([8193, 4, 274, 0, 0, 0, 0, 0]), 48],
            [new IPv6([9760, 79, 32768, 0, 0, 0, 0, 0]), 48]
          ],
          deprecated: [new IPv6([8193, 16, 0, 0, 0, 0, 0, 0]), 28],
          orchid2: [new IPv6([8193, 32, 0, 0, 0, 0, 0, 0]), 28],
          droneRemoteIdProtocolEntityTags: [new IPv6([8193, 48, 0, 0, 0, 0, 0, 0]), 28],
          reserved: [
            // RFC3849
            [new IPv6([8193, 0, 0, 0, 0, 0, 0, 0]), 23],
            // RFC2928
            [new IPv6([8193, 3512, 0, 0, 0, 0, 0, 0]), 32]
          ]
        };
        IPv6.prototype.isIPv4MappedAddress = function() {
          return this.range() === "ipv4Mapped";
        };
        IPv6.prototype.kind = function() {
          return "ipv6";
        };
        IPv6.prototype.match = function(other, cidrRange) {
          let ref;
          if (cidrRange === void 0) {
            ref = other;
            other = ref[0];
            cidrRange = ref[1];
          }
          if (other.kind() !== "ipv6") {
            throw new Error("ipaddr: cannot match ipv6 address with non-ipv6 one");
          }
          return matchCIDR(this.parts, other.parts, 16, cidrRange);
        };
        IPv6.prototype.prefixLengthFromSubnetMask = function() {
          let cidr = 0;
          let stop = false;
          const zerotable = {
            0: 16,
            32768: 15,
            49152: 14,
            57344: 13,
            61440: 12,
            63488: 11,
            64512: 10,
            65024: 9,
            65280: 8,
            65408: 7,
            65472: 6,
            65504: 5,
            65520: 4,
            65528: 3,
            65532: 2,
            65534: 1,
            65535: 0
          };
          let part, zeros;
          for (let i = 7; i >= 0; i -= 1) {
            part = this.parts[i];
            if (part in zerotable) {
              zeros = zerotable[part];
              if (stop && zeros !== 0) {
                return null;
              }
              if (zeros !== 16) {
                stop = true;
              }
              cidr += zeros;
            } else {
              return null;
            }
          }
          return 128 - cidr;
        };
        IPv6.prototype.range = function() {
          return ipaddr2.subnetMatch(this, this.SpecialRanges);
        };
        IPv6.prototype.toByteArray = function() {
          let part;
          const bytes = [];
          const ref = this.parts;
          for (let i = 0; i < ref.length; i++) {
            part = ref[i];
            bytes.push(part >> 8);
            bytes.push(part & 255);
          }
          return bytes;
        };
        IPv6.prototype.toFixedLengthString = function() {
          const addr = (function() {
            const results = [];
            for (let i = 0; i < this.parts.length; i++) {
              results.push(padPart(this.parts[i].toString(16), 4));
            }
            return results;
          }).call(this).join(":");
          let suffix = "";
          if (this.zoneId) {
            suffix = `%${this.zoneId}`;
          }
          return addr + suffix;
        };
        IPv6.prototype.toIPv4Address = function() {
          if (!this.isIPv4MappedAddress()) {
            throw new Error("ipaddr: trying to convert a generic ipv6 address to ipv4");
          }
          const ref = this.parts.slice(-2);
          const high = ref[0];
          const low = ref[1];
          return new ipaddr2.IPv4([high >> 8, high & 255, low >> 8, low & 255]);
        };
        IPv6.prototype.toNormalizedString = function() {
          const addr = (function() {
            const results = [];
            for (let i = 0; i < this.parts.length; i++) {
              results.push(this.parts[i].toString(16));
            }
            return results;
          }).call(this).join(":");
          let suffix = "";
          if (this.zoneId) {
            suffix = `%${this.zoneId}`;
          }
          return addr + suffix;
        };
        IPv6.prototype.toRFC5952String = function() {
          const regex = /((^|:)(0(:|$)){2,})/g;
          const string = this.toNormalizedString();
          let bestMatchIndex = 0;
          let bestMatchLength = -1;
          let match;
          while (match = regex.exec(string)) {
            if (match[0].length > bestMatchLength) {
              bestMatchIndex = match.index;
              bestMatchLength = match[0].length;
            }
          }
          if (bestMatchLength < 0) {
            return string;
          }
          return `${string.substring(0, bestMatchIndex)}::${string.substring(bestMatchIndex + bestMatchLength)}`;
        };
        IPv6.prototype.toString = function() {
          return this.toRFC5952String();
        };
        return IPv6;
      })();
      ipaddr2.IPv6.broadcastAddressFromCIDR = function(string) {
        try {
          const cidr = this.parseCIDR(string);
          const ipInterfaceOctets = cidr[0].toByteArray();
          const subnetMaskOctets = this.subnetMaskFromPrefixLength(cidr[1]).toByteArray();
          const octets = [];
          let i = 0;
          while (i < 16) {
            octets.push(parseInt(ipInterfaceOctets[i], 10) | parseInt(subnetMaskOctets[i], 10) ^ 255);
            i++;
          }
          return new this(octets);
        } catch (e) {
          throw new Error(`ipaddr: the address does not have IPv6 CIDR format (${e})`);
        }
      };
      ipaddr2.IPv6.isIPv6 = function(string) {
        return this.parser(string) !== null;
      };
      ipaddr2.IPv6.isValid = function(string) {
        if (typeof string === "string" && string.indexOf(":") === -1) {
          return false;
        }
        try {
          const addr = this.parser(string);
          new this(addr.parts, addr.zoneId);
          return true;
        } catch (e) {
          return false;
        }
      };
      ipaddr2.IPv6.isValidCIDR = function(string) {
        if (typeof string === "string" && string.indexOf(":") === -1) {
          return false;
        }
        try {
          this.parseCIDR(string);
          return true;
        } catch (e) {
          return false;
        }
      };
      ipaddr2.IPv6.networkAddressFromCIDR = function(string) {
        let cidr, i, ipInterfaceOctets, octets, subnetMaskOctets;
        try {
          cidr = this.parseCIDR(string);
          ipInterfaceOctets = cidr[0].toByteArray();
          subnetMaskOctets = this.subnetMaskFromPrefixLength(cidr[1]).toByteArray();
          octets = [];
          i = 0;
          while (i < 16) {
            octets.push(parseInt(ipInterfaceOctets[i], 10) & parseInt(subnetMaskOctets[i], 10));
            i++;
          }
          return new this(octets);
        } catch (e) {
          throw new Error(`ipaddr: the address does not have IPv6 CIDR format (${e})`);
        }
      };
      ipaddr2.IPv6.parse = function(string) {
        const addr = this.parser(string);
        if (addr.parts === null) {
          throw new Error("ipaddr: string is not formatted like an IPv6 Address");
        }
        return new this(addr.parts, addr.zoneId);
      };
      ipaddr2.IPv6.parseCIDR = function(string) {
        let maskLength, match, parsed;
        if (match = string.match(/^(.+)\/(\d+)$/)) {
          maskLength = parseInt(match[2]);
          if (maskLength >= 0 && maskLength <= 128) {
            parsed = [this.parse(match[1]), maskLength];
            Object.defineProperty(parsed, "toString", {
              value: function() {
                return this.join("/");
              }
            });
            return parsed;
          }
        }
        throw new Error("ipaddr: string is not formatted like an IPv6 CIDR range");
      };
      ipaddr2.IPv6.parser = function(string) {
        let addr, i, match, octet, octets, zoneId;
        if (match = string.match(ipv6Regexes.deprecatedTransitional)) {
          return this.parser(`::ffff:${match[1]}`);
        }
        if (ipv6Regexes.native.test(string)) {
          return expandIPv6(string, 8);
        }
        if (match = string.match(ipv6Regexes.transitional)) {
          zoneId = match[6] || "";
          addr = match[1];
          if (!match[1].endsWith("::")) {
            addr = addr.slice(0, -1);
          }
          addr = expandIPv6(addr + zoneId, 6);
          if (addr.parts) {
            octets = [
              parseInt(match[2]),
              parseInt(match[3]),
              parseInt(match[4]),
              parseInt(match[5])
            ];
            for (i = 0; i < octets.length; i++) {
              octet = octets[i];
              if (!(0 <= octet && octet <= 255)) {
                return null;
              }
            }
            addr.parts.push(octets[0] << 8 | octets[1]);
            addr.parts.push(octets[2] << 8 | octets[3]);
            return {
              parts: addr.parts,
              zoneId: addr.zoneId
            };
          }
        }
        return null;
      };
      ipaddr2.IPv6.subnetMaskFromPrefixLength = function(prefix) {
        prefix = parseInt(prefix);
        if (prefix < 0 || prefix > 128) {
          throw new Error("ipaddr: invalid IPv6 prefix length");
        }
        const octets = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let j = 0;
        const filledOctetCount = Math.floor(prefix / 8);
        while (j < filledOctetCount) {
          octets[j] = 255;
          j++;
        }
        if (filledOctetCount < 16) {
          octets[filledOctetCount] = Math.pow(2, prefix % 8) - 1 << 8 - prefix % 8;
        }
        return new this(octets);
      };
      ipaddr2.fromByteArray = function(bytes) {
        const length = bytes.length;
        if (length === 4) {
          return new ipaddr2.IPv4(bytes);
        } else if (length === 16) {
          return new ipaddr2.IPv6(bytes);
        } else {
          throw new Error("ipaddr: the binary input is neither an IPv6 nor IPv4 address");
        }
      };
      ipaddr2.isValid = function(string) {
        return ipaddr2.IPv6.isValid(string) || ipaddr2.IPv4.isValid(string);
      };
      ipaddr2.isValidCIDR = function(string) {
        return ipaddr2.IPv6.isValidCIDR(string) || ipaddr2.IPv4.isValidCIDR(string);
      };
      ipaddr2.parse = function(string) {
        if (ipaddr2.IPv6.isValid(string)) {
          return ipaddr2.IPv6.parse(string);
        } else if (ipaddr2.IPv4.isValid(string)) {
          return ipaddr2.IPv4.parse(string);
        } else {
          throw new Error("ipaddr: the address has neither IPv6 nor IPv4 format");
        }
      };
      ipaddr2.parseCIDR = function(string) {
        try {
          return ipaddr2.IPv6.parseCIDR(string);
        } catch (e) {
          try {
            return ipaddr2.IPv4.parseCIDR(string);
          } catch (e2) {
            throw new Error("ipaddr: the address has neither IPv6 nor IPv4 CIDR format");
          }
        }
      };
      ipaddr2.process = function(string) {
        const addr = this.parse(string);
        if (addr.kind() === "ipv6" && addr.isIPv4MappedAddress()) {
          return addr.toIPv4Address();
        } else {
          return addr;
        }
      };
      ipaddr2.subnetMatch = function(address, rangeList, defaultName) {
        let i, rangeName, rangeSubnets, subnet;
        if (defaultName === void 0 || defaultName === null) {
          defaultName = "unicast";
        }
        for (rangeName in rangeList) {
          if (Object.prototype.hasOwnProperty.call(rangeList, rangeName)) {
            rangeSubnets = rangeList[rangeName];
            if (rangeSubnets[0] && !(rangeSubnets[0] instanceof Array)) {
              rangeSubnets = [rangeSubnets];
            }
            for (i = 0; i < rangeSubnets.length; i++) {
              subnet = rangeSubnets[i];
              if (address.kind() === subnet[0].kind() && address.match.apply(address, subnet)) {
                return rangeName;
              }
            }
          }
        }
        return defaultName;
      };
      if (typeof module !== "undefined" && module.exports) {
        module.exports = ipaddr2;
      } else {
        root.ipaddr = ipaddr2;
      }
    })(exports);
  }
});

// policies/_constants_data.ts
var ERRNOS = [
  ["EPERM", 1],
  ["ENOENT", 2],
  ["ESRCH", 3],
  ["EINTR", 4],
  ["EIO", 5],
  ["ENXIO", 6],
  ["E2BIG", 7],
  ["ENOEXEC", 8],
  ["EBADF", 9],
  ["ECHILD", 10],
  ["EAGAIN", 11],
  ["EWOULDBLOCK", 11],
  ["ENOMEM", 12],
  ["EACCES", 13],
  ["EFAULT", 14],
  ["ENOTBLK", 15],
  ["EBUSY", 16],
  ["EEXIST", 17],
  ["EXDEV", 18],
  ["ENODEV", 19],
  ["ENOTDIR", 20],
  ["EISDIR", 21],
  ["EINVAL", 22],
  ["ENFILE", 23],
  ["EMFILE", 24],
  ["ENOTTY", 25],
  ["ETXTBSY", 26],
  ["EFBIG", 27],
  ["ENOSPC", 28],
  ["ESPIPE", 29],
  ["EROFS", 30],
  ["EMLINK", 31],
  ["EPIPE", 32],
  ["EDOM", 33],
  ["ERANGE", 34],
  ["EDEADLK", 35],
  ["EDEADLOCK", 35],
  ["ENAMETOOLONG", 36],
  ["ENOLCK", 37],
  ["ENOSYS", 38],
  ["ENOTEMPTY", 39],
  ["ELOOP", 40],
  ["ENOMSG", 42],
  ["EIDRM", 43],
  ["ECHRNG", 44],
  ["EL2NSYNC", 45],
  ["EL3HLT", 46],
  ["EL3RST", 47],
  ["ELNRNG", 48],
  ["EUNATCH", 49],
  ["ENOCSI", 50],
  ["EL2HLT", 51],
  ["EBADE", 52],
  ["EBADR", 53],
  ["EXFULL", 54],
  ["ENOANO", 55],
  ["EBADRQC", 56],
  ["EBADSLT", 57],
  ["EBFONT", 59],
  ["ENOSTR", 60],
  ["ENODATA", 61],
  ["ETIME", 62],
  ["ENOSR", 63],
  ["ENONET", 64],
  ["ENOPKG", 65],
  ["EREMOTE", 66],
  ["ENOLINK", 67],
  ["EADV", 68],
  ["ESRMNT", 69],
  ["ECOMM", 70],
  ["EPROTO", 71],
  ["EMULTIHOP", 72],
  ["EDOTDOT", 73],
  ["EBADMSG", 74],
  ["EFSBADCRC", 74],
  ["EOVERFLOW", 75],
  ["ENOTUNIQ", 76],
  ["EBADFD", 77],
  ["EREMCHG", 78],
  ["ELIBACC", 79],
  ["ELIBBAD", 80],
  ["ELIBSCN", 81],
  ["ELIBMAX", 82],
  ["ELIBEXEC", 83],
  ["EILSEQ", 84],
  ["ERESTART", 85],
  ["ESTRPIPE", 86],
  ["EUSERS", 87],
  ["ENOTSOCK", 88],
  ["EDESTADDRREQ", 89],
  ["EMSGSIZE", 90],
  ["EPROTOTYPE", 91],
  ["ENOPROTOOPT", 92],
  ["EPROTONOSUPPORT", 93],
  ["ESOCKTNOSUPPORT", 94],
  ["EOPNOTSUPP", 95],
  ["ENOTSUP", 95],
  ["EPFNOSUPPORT", 96],
  ["EAFNOSUPPORT", 97],
  ["EADDRINUSE", 98],
  ["EADDRNOTAVAIL", 99],
  ["ENETDOWN", 100],
  ["ENETUNREACH", 101],
  ["ENETRESET", 102],
  ["ECONNABORTED", 103],
  ["ECONNRESET", 104],
  ["ENOBUFS", 105],
  ["EISCONN", 106],
  ["ENOTCONN", 107],
  ["ESHUTDOWN", 108],
  ["ETOOMANYREFS", 109],
  ["ETIMEDOUT", 110],
  ["ECONNREFUSED", 111],
  ["EHOSTDOWN", 112],
  ["EHOSTUNREACH", 113],
  ["EALREADY", 114],
  ["EINPROGRESS", 115],
  ["ESTALE", 116],
  ["EUCLEAN", 117],
  ["EFSCORRUPTED", 117],
  ["ENOTNAM", 118],
  ["ENAVAIL", 119],
  ["EISNAM", 120],
  ["EREMOTEIO", 121],
  ["EDQUOT", 122],
  ["ENOMEDIUM", 123],
  ["EMEDIUMTYPE", 124],
  ["ECANCELED", 125],
  ["ENOKEY", 126],
  ["EKEYEXPIRED", 127],
  ["EKEYREVOKED", 128],
  ["EKEYREJECTED", 129],
  ["EOWNERDEAD", 130],
  ["ENOTRECOVERABLE", 131],
  ["ERFKILL", 132],
  ["EHWPOISON", 133],
  ["EFTYPE", 134]
];
var SIGNALS = [
  ["SIGHUP", 1],
  ["SIGINT", 2],
  ["SIGQUIT", 3],
  ["SIGILL", 4],
  ["SIGTRAP", 5],
  ["SIGABRT", 6],
  ["SIGIOT", 6],
  ["SIGBUS", 7],
  ["SIGFPE", 8],
  ["SIGKILL", 9],
  ["SIGUSR1", 10],
  ["SIGSEGV", 11],
  ["SIGUSR2", 12],
  ["SIGPIPE", 13],
  ["SIGALRM", 14],
  ["SIGTERM", 15],
  ["SIGSTKFLT", 16],
  ["SIGCHLD", 17],
  ["SIGCONT", 18],
  ["SIGSTOP", 19],
  ["SIGTSTP", 20],
  ["SIGTTIN", 21],
  ["SIGTTOU", 22],
  ["SIGURG", 23],
  ["SIGXCPU", 24],
  ["SIGXFSZ", 25],
  ["SIGVTALRM", 26],
  ["SIGPROF", 27],
  ["SIGWINCH", 28],
  ["SIGIO", 29],
  ["SIGPOLL", 29],
  ["SIGPWR", 30],
  ["SIGSYS", 31],
  ["SIGUNUSED", 31]
];
var CONSTANTS = [
  ["AF_ALG", 38],
  ["AF_APPLETALK", 5],
  ["AF_ASH", 18],
  ["AF_ATMPVC", 8],
  ["AF_ATMSVC", 20],
  ["AF_AX25", 3],
  ["AF_BLUETOOTH", 31],
  ["AF_BRIDGE", 7],
  ["AF_CAIF", 37],
  ["AF_CAN", 29],
  ["AF_ECONET", 19],
  ["AF_FILE", 1],
  ["AF_IB", 27],
  ["AF_IEEE802154", 36],
  ["AF_INET", 2],
  ["AF_INET6", 10],
  ["AF_IPX", 4],
  ["AF_IRDA", 23],
  ["AF_ISDN", 34],
  ["AF_IUCV", 32],
  ["AF_KCM", 41],
  ["AF_KEY", 15],
  ["AF_LLC", 26],
  ["AF_LOCAL", 1],
  ["AF_MAX", 46],
  ["AF_MCTP", 45],
  ["AF_MPLS", 28],
  ["AF_NETBEUI", 13],
  ["AF_NETLINK", 16],
  ["AF_NETROM", 6],
  ["AF_NFC", 39],
  ["AF_PACKET", 17],
  ["AF_PHONET", 35],
  ["AF_PPPOX", 24],
  ["AF_QIPCRTR", 42],
  ["AF_RDS", 21],
  ["AF_ROSE", 11],
  ["AF_ROUTE", 16],
  ["AF_RXRPC", 33],
  ["AF_SECURITY", 14],
  ["AF_SMC", 43],
  ["AF_SNA", 22],
  ["AF_TIPC", 30],
  ["AF_UNIX", 1],
  ["AF_UNSPEC", 0],
  ["AF_VSOCK", 40],
  ["AF_WANPIPE", 25],
  ["AF_X25", 9],
  ["AF_XDP", 44],
  ["AT_EACCESS", 512],
  ["AT_EMPTY_PATH", 4096],
  ["AT_EXECVE_CHECK", 65536],
  ["AT_FDCWD", -100],
  ["AT_HANDLE_CONNECTABLE", 2],
  ["AT_HANDLE_FID", 512],
  ["AT_HANDLE_MNT_ID_UNIQUE", 1],
  ["AT_NO_AUTOMOUNT", 2048],
  ["AT_RECURSIVE", 32768],
  ["AT_REMOVEDIR", 512],
  ["AT_RENAME_EXCHANGE", 2],
  ["AT_RENAME_NOREPLACE", 1],
  ["AT_RENAME_WHITEOUT", 4],
  ["AT_STATX_DONT_SYNC", 16384],
  ["AT_STATX_FORCE_SYNC", 8192],
  ["AT_STATX_SYNC_AS_STAT", 0],
  ["AT_STATX_SYNC_TYPE", 24576],
  ["AT_SYMLINK_FOLLOW", 1024],
  ["AT_SYMLINK_NOFOLLOW", 256],
  ["CLONE_AUTOREAP", 17179869184],
  ["CLONE_CHILD_CLEARTID", 2097152],
  ["CLONE_CHILD_SETTID", 16777216],
  ["CLONE_CLEAR_SIGHAND", 4294967296],
  ["CLONE_DETACHED", 4194304],
  ["CLONE_EMPTY_MNTNS", 137438953472],
  ["CLONE_FILES", 1024],
  ["CLONE_FS", 512],
  ["CLONE_INTO_CGROUP", 8589934592],
  ["CLONE_IO", 2147483648],
  ["CLONE_NEWCGROUP", 33554432],
  ["CLONE_NEWIPC", 134217728],
  ["CLONE_NEWNET", 1073741824],
  ["CLONE_NEWNS", 131072],
  ["CLONE_NEWPID", 536870912],
  ["CLONE_NEWTIME", 128],
  ["CLONE_NEWUSER", 268435456],
  ["CLONE_NEWUTS", 67108864],
  ["CLONE_NNP", 34359738368],
  ["CLONE_PARENT", 32768],
  ["CLONE_PARENT_SETTID", 1048576],
  ["CLONE_PIDFD", 4096],
  ["CLONE_PIDFD_AUTOKILL", 68719476736],
  ["CLONE_PTRACE", 8192],
  ["CLONE_SETTLS", 524288],
  ["CLONE_SIGHAND", 2048],
  ["CLONE_SYSVSEM", 262144],
  ["CLONE_THREAD", 65536],
  ["CLONE_UNTRACED", 8388608],
  ["CLONE_VFORK", 16384],
  ["CLONE_VM", 256],
  ["IPPROTO_AGGFRAG", 144],
  ["IPPROTO_AH", 51],
  ["IPPROTO_BEETPH", 94],
  ["IPPROTO_COMP", 108],
  ["IPPROTO_DCCP", 33],
  ["IPPROTO_EGP", 8],
  ["IPPROTO_ENCAP", 98],
  ["IPPROTO_ESP", 50],
  ["IPPROTO_ETHERNET", 143],
  ["IPPROTO_GRE", 47],
  ["IPPROTO_ICMP", 1],
  ["IPPROTO_IDP", 22],
  ["IPPROTO_IGMP", 2],
  ["IPPROTO_IP", 0],
  ["IPPROTO_IPIP", 4],
  ["IPPROTO_IPV6", 41],
  ["IPPROTO_L2TP", 115],
  ["IPPROTO_MPLS", 137],
  ["IPPROTO_MPTCP", 262],
  ["IPPROTO_MTP", 92],
  ["IPPROTO_PIM", 103],
  ["IPPROTO_PUP", 12],
  ["IPPROTO_RAW", 255],
  ["IPPROTO_RSVP", 46],
  ["IPPROTO_SCTP", 132],
  ["IPPROTO_SMC", 256],
  ["IPPROTO_TCP", 6],
  ["IPPROTO_TP", 29],
  ["IPPROTO_UDP", 17],
  ["IPPROTO_UDPLITE", 136],
  ["MAP_32BIT", 64],
  ["MAP_ABOVE4G", 128],
  ["MAP_ANONYMOUS", 32],
  ["MAP_DENYWRITE", 2048],
  ["MAP_DROPPABLE", 8],
  ["MAP_EXECUTABLE", 4096],
  ["MAP_FILE", 0],
  ["MAP_FIXED", 16],
  ["MAP_FIXED_NOREPLACE", 1048576],
  ["MAP_GROWSDOWN", 256],
  ["MAP_HUGETLB", 262144],
  ["MAP_HUGE_16GB", 2281701376],
  ["MAP_HUGE_16KB", 939524096],
  ["MAP_HUGE_16MB", 1610612736],
  ["MAP_HUGE_1GB", 2013265920],
  ["MAP_HUGE_1MB", 1342177280],
  ["MAP_HUGE_256MB", 1879048192],
  ["MAP_HUGE_2GB", 2080374784],
  ["MAP_HUGE_2MB", 1409286144],
  ["MAP_HUGE_32MB", 1677721600],
  ["MAP_HUGE_512KB", 1275068416],
  ["MAP_HUGE_512MB", 1946157056],
  ["MAP_HUGE_64KB", 1073741824],
  ["MAP_HUGE_8MB", 1543503872],
  ["MAP_HUGE_MASK", 63],
  ["MAP_HUGE_SHIFT", 26],
  ["MAP_LOCKED", 8192],
  ["MAP_NONBLOCK", 65536],
  ["MAP_NORESERVE", 16384],
  ["MAP_POPULATE", 32768],
  ["MAP_PRIVATE", 2],
  ["MAP_SHARED", 1],
  ["MAP_SHARED_VALIDATE", 3],
  ["MAP_STACK", 131072],
  ["MAP_SYNC", 524288],
  ["MAP_TYPE", 15],
  ["MAP_UNINITIALIZED", 67108864],
  ["O_ACCMODE", 3],
  ["O_APPEND", 1024],
  ["O_CLOEXEC", 524288],
  ["O_CREAT", 64],
  ["O_DIRECT", 16384],
  ["O_DIRECTORY", 65536],
  ["O_DSYNC", 4096],
  ["O_EMPTYPATH", 67108864],
  ["O_EXCL", 128],
  ["O_LARGEFILE", 32768],
  ["O_NDELAY", 2048],
  ["O_NOATIME", 262144],
  ["O_NOCTTY", 256],
  ["O_NOFOLLOW", 131072],
  ["O_NONBLOCK", 2048],
  ["O_PATH", 2097152],
  ["O_RDONLY", 0],
  ["O_RDWR", 2],
  ["O_SYNC", 1052672],
  ["O_TMPFILE", 4259840],
  ["O_TRUNC", 512],
  ["O_WRONLY", 1],
  ["PROT_EXEC", 4],
  ["PROT_GROWSDOWN", 16777216],
  ["PROT_GROWSUP", 33554432],
  ["PROT_NONE", 0],
  ["PROT_READ", 1],
  ["PROT_SEM", 8],
  ["PROT_WRITE", 2],
  ["PR_CAPBSET_DROP", 24],
  ["PR_CAPBSET_READ", 23],
  ["PR_CAP_AMBIENT", 47],
  ["PR_CAP_AMBIENT_CLEAR_ALL", 4],
  ["PR_CAP_AMBIENT_IS_SET", 1],
  ["PR_CAP_AMBIENT_LOWER", 3],
  ["PR_CAP_AMBIENT_RAISE", 2],
  ["PR_CFI_BRANCH_LANDING_PADS", 0],
  ["PR_ENDIAN_BIG", 0],
  ["PR_ENDIAN_LITTLE", 1],
  ["PR_ENDIAN_PPC_LITTLE", 2],
  ["PR_FPEMU_NOPRINT", 1],
  ["PR_FPEMU_SIGFPE", 2],
  ["PR_FP_EXC_ASYNC", 2],
  ["PR_FP_EXC_DISABLED", 0],
  ["PR_FP_EXC_DIV", 65536],
  ["PR_FP_EXC_INV", 1048576],
  ["PR_FP_EXC_NONRECOV", 1],
  ["PR_FP_EXC_OVF", 131072],
  ["PR_FP_EXC_PRECISE", 3],
  ["PR_FP_EXC_RES", 524288],
  ["PR_FP_EXC_SW_ENABLE", 128],
  ["PR_FP_EXC_UND", 262144],
  ["PR_FP_MODE_FR", 1],
  ["PR_FP_MODE_FRE", 2],
  ["PR_FUTEX_HASH", 78],
  ["PR_FUTEX_HASH_GET_SLOTS", 2],
  ["PR_FUTEX_HASH_SET_SLOTS", 1],
  ["PR_GET_AUXV", 1096112214],
  ["PR_GET_CFI", 80],
  ["PR_GET_CHILD_SUBREAPER", 37],
  ["PR_GET_DUMPABLE", 3],
  ["PR_GET_ENDIAN", 19],
  ["PR_GET_FPEMU", 9],
  ["PR_GET_FPEXC", 11],
  ["PR_GET_FP_MODE", 46],
  ["PR_GET_IO_FLUSHER", 58],
  ["PR_GET_KEEPCAPS", 7],
  ["PR_GET_MDWE", 66],
  ["PR_GET_MEMORY_MERGE", 68],
  ["PR_GET_NAME", 16],
  ["PR_GET_NO_NEW_PRIVS", 39],
  ["PR_GET_PDEATHSIG", 2],
  ["PR_GET_SECCOMP", 21],
  ["PR_GET_SECUREBITS", 27],
  ["PR_GET_SHADOW_STACK_STATUS", 74],
  ["PR_GET_SPECULATION_CTRL", 52],
  ["PR_GET_TAGGED_ADDR_CTRL", 56],
  ["PR_GET_THP_DISABLE", 42],
  ["PR_GET_TID_ADDRESS", 40],
  ["PR_GET_TIMERSLACK", 30],
  ["PR_GET_TIMING", 13],
  ["PR_GET_TSC", 25],
  ["PR_GET_UNALIGN", 5],
  ["PR_LOCK_SHADOW_STACK_STATUS", 76],
  ["PR_MCE_KILL", 33],
  ["PR_MCE_KILL_CLEAR", 0],
  ["PR_MCE_KILL_DEFAULT", 2],
  ["PR_MCE_KILL_EARLY", 1],
  ["PR_MCE_KILL_GET", 34],
  ["PR_MCE_KILL_LATE", 0],
  ["PR_MCE_KILL_SET", 1],
  ["PR_MDWE_NO_INHERIT", 2],
  ["PR_MDWE_REFUSE_EXEC_GAIN", 1],
  ["PR_MPX_DISABLE_MANAGEMENT", 44],
  ["PR_MPX_ENABLE_MANAGEMENT", 43],
  ["PR_MTE_STORE_ONLY", 524288],
  ["PR_MTE_TAG_MASK", 524280],
  ["PR_MTE_TAG_SHIFT", 3],
  ["PR_MTE_TCF_ASYNC", 4],
  ["PR_MTE_TCF_MASK", 6],
  ["PR_MTE_TCF_NONE", 0],
  ["PR_MTE_TCF_SHIFT", 1],
  ["PR_MTE_TCF_SYNC", 2],
  ["PR_PAC_APDAKEY", 4],
  ["PR_PAC_APDBKEY", 8],
  ["PR_PAC_APGAKEY", 16],
  ["PR_PAC_APIAKEY", 1],
  ["PR_PAC_APIBKEY", 2],
  ["PR_PAC_GET_ENABLED_KEYS", 61],
  ["PR_PAC_RESET_KEYS", 54],
  ["PR_PAC_SET_ENABLED_KEYS", 60],
  ["PR_PMLEN_MASK", 2130706432],
  ["PR_PMLEN_SHIFT", 24],
  ["PR_PPC_DEXCR_CTRL_CLEAR", 4],
  ["PR_PPC_DEXCR_CTRL_CLEAR_ONEXEC", 16],
  ["PR_PPC_DEXCR_CTRL_EDITABLE", 1],
  ["PR_PPC_DEXCR_CTRL_MASK", 31],
  ["PR_PPC_DEXCR_CTRL_SET", 2],
  ["PR_PPC_DEXCR_CTRL_SET_ONEXEC", 8],
  ["PR_PPC_DEXCR_IBRTPD", 1],
  ["PR_PPC_DEXCR_NPHIE", 3],
  ["PR_PPC_DEXCR_SBHE", 0],
  ["PR_PPC_DEXCR_SRAPD", 2],
  ["PR_PPC_GET_DEXCR", 72],
  ["PR_PPC_SET_DEXCR", 73],
  ["PR_RISCV_CTX_SW_FENCEI_OFF", 1],
  ["PR_RISCV_CTX_SW_FENCEI_ON", 0],
  ["PR_RISCV_SCOPE_PER_PROCESS", 0],
  ["PR_RISCV_SCOPE_PER_THREAD", 1],
  ["PR_RISCV_SET_ICACHE_FLUSH_CTX", 71],
  ["PR_RISCV_V_GET_CONTROL", 70],
  ["PR_RISCV_V_SET_CONTROL", 69],
  ["PR_RISCV_V_VSTATE_CTRL_CUR_MASK", 3],
  ["PR_RISCV_V_VSTATE_CTRL_DEFAULT", 0],
  ["PR_RISCV_V_VSTATE_CTRL_INHERIT", 16],
  ["PR_RISCV_V_VSTATE_CTRL_MASK", 31],
  ["PR_RISCV_V_VSTATE_CTRL_NEXT_MASK", 12],
  ["PR_RISCV_V_VSTATE_CTRL_OFF", 1],
  ["PR_RISCV_V_VSTATE_CTRL_ON", 2],
  ["PR_RSEQ_SLICE_EXTENSION", 79],
  ["PR_RSEQ_SLICE_EXTENSION_GET", 1],
  ["PR_RSEQ_SLICE_EXTENSION_SET", 2],
  ["PR_RSEQ_SLICE_EXT_ENABLE", 1],
  ["PR_SCHED_CORE", 62],
  ["PR_SCHED_CORE_CREATE", 1],
  ["PR_SCHED_CORE_GET", 0],
  ["PR_SCHED_CORE_MAX", 4],
  ["PR_SCHED_CORE_SCOPE_PROCESS_GROUP", 2],
  ["PR_SCHED_CORE_SCOPE_THREAD", 0],
  ["PR_SCHED_CORE_SCOPE_THREAD_GROUP", 1],
  ["PR_SCHED_CORE_SHARE_FROM", 3],
  ["PR_SCHED_CORE_SHARE_TO", 2],
  ["PR_SET_CFI", 81],
  ["PR_SET_CHILD_SUBREAPER", 36],
  ["PR_SET_DUMPABLE", 4],
  ["PR_SET_ENDIAN", 20],
  ["PR_SET_FPEMU", 10],
  ["PR_SET_FPEXC", 12],
  ["PR_SET_FP_MODE", 45],
  ["PR_SET_IO_FLUSHER", 57],
  ["PR_SET_KEEPCAPS", 8],
  ["PR_SET_MDWE", 65],
  ["PR_SET_MEMORY_MERGE", 67],
  ["PR_SET_MM", 35],
  ["PR_SET_MM_ARG_END", 9],
  ["PR_SET_MM_ARG_START", 8],
  ["PR_SET_MM_AUXV", 12],
  ["PR_SET_MM_BRK", 7],
  ["PR_SET_MM_END_CODE", 2],
  ["PR_SET_MM_END_DATA", 4],
  ["PR_SET_MM_ENV_END", 11],
  ["PR_SET_MM_ENV_START", 10],
  ["PR_SET_MM_EXE_FILE", 13],
  ["PR_SET_MM_MAP", 14],
  ["PR_SET_MM_MAP_SIZE", 15],
  ["PR_SET_MM_START_BRK", 6],
  ["PR_SET_MM_START_CODE", 1],
  ["PR_SET_MM_START_DATA", 3],
  ["PR_SET_MM_START_STACK", 5],
  ["PR_SET_NAME", 15],
  ["PR_SET_NO_NEW_PRIVS", 38],
  ["PR_SET_PDEATHSIG", 1],
  ["PR_SET_PTRACER", 1499557217],
  ["PR_SET_PTRACER_ANY", -1],
  ["PR_SET_SECCOMP", 22],
  ["PR_SET_SECUREBITS", 28],
  ["PR_SET_SHADOW_STACK_STATUS", 75],
  ["PR_SET_SPECULATION_CTRL", 53],
  ["PR_SET_SYSCALL_USER_DISPATCH", 59],
  ["PR_SET_TAGGED_ADDR_CTRL", 55],
  ["PR_SET_THP_DISABLE", 41],
  ["PR_SET_TIMERSLACK", 29],
  ["PR_SET_TIMING", 14],
  ["PR_SET_TSC", 26],
  ["PR_SET_UNALIGN", 6],
  ["PR_SET_VMA", 1398164801],
  ["PR_SET_VMA_ANON_NAME", 0],
  ["PR_SHADOW_STACK_ENABLE", 1],
  ["PR_SHADOW_STACK_PUSH", 4],
  ["PR_SHADOW_STACK_WRITE", 2],
  ["PR_SME_GET_VL", 64],
  ["PR_SME_SET_VL", 63],
  ["PR_SME_SET_VL_ONEXEC", 262144],
  ["PR_SME_VL_INHERIT", 131072],
  ["PR_SME_VL_LEN_MASK", 65535],
  ["PR_SPEC_DISABLE", 4],
  ["PR_SPEC_DISABLE_NOEXEC", 16],
  ["PR_SPEC_ENABLE", 2],
  ["PR_SPEC_FORCE_DISABLE", 8],
  ["PR_SPEC_INDIRECT_BRANCH", 1],
  ["PR_SPEC_L1D_FLUSH", 2],
  ["PR_SPEC_NOT_AFFECTED", 0],
  ["PR_SPEC_PRCTL", 1],
  ["PR_SPEC_STORE_BYPASS", 0],
  ["PR_SVE_GET_VL", 51],
  ["PR_SVE_SET_VL", 50],
  ["PR_SVE_SET_VL_ONEXEC", 262144],
  ["PR_SVE_VL_INHERIT", 131072],
  ["PR_SVE_VL_LEN_MASK", 65535],
  ["PR_SYS_DISPATCH_EXCLUSIVE_ON", 1],
  ["PR_SYS_DISPATCH_INCLUSIVE_ON", 2],
  ["PR_SYS_DISPATCH_OFF", 0],
  ["PR_SYS_DISPATCH_ON", 1],
  ["PR_TAGGED_ADDR_ENABLE", 1],
  ["PR_TASK_PERF_EVENTS_DISABLE", 31],
  ["PR_TASK_PERF_EVENTS_ENABLE", 32],
  ["PR_THP_DISABLE_EXCEPT_ADVISED", 2],
  ["PR_TIMER_CREATE_RESTORE_IDS", 77],
  ["PR_TIMER_CREATE_RESTORE_IDS_GET", 2],
  ["PR_TIMER_CREATE_RESTORE_IDS_OFF", 0],
  ["PR_TIMER_CREATE_RESTORE_IDS_ON", 1],
  ["PR_TIMING_STATISTICAL", 0],
  ["PR_TIMING_TIMESTAMP", 1],
  ["PR_TSC_ENABLE", 1],
  ["PR_TSC_SIGSEGV", 2],
  ["PR_UNALIGN_NOPRINT", 1],
  ["PR_UNALIGN_SIGBUS", 2],
  ["SOCK_CLOEXEC", 524288],
  ["SOCK_DCCP", 6],
  ["SOCK_DGRAM", 2],
  ["SOCK_NONBLOCK", 2048],
  ["SOCK_PACKET", 10],
  ["SOCK_RAW", 3],
  ["SOCK_RDM", 4],
  ["SOCK_SEQPACKET", 5],
  ["SOCK_STREAM", 1]
];
var CAPABILITIES = [
  ["CAP_CHOWN", 0],
  ["CAP_DAC_OVERRIDE", 1],
  ["CAP_DAC_READ_SEARCH", 2],
  ["CAP_FOWNER", 3],
  ["CAP_FSETID", 4],
  ["CAP_KILL", 5],
  ["CAP_SETGID", 6],
  ["CAP_SETUID", 7],
  ["CAP_SETPCAP", 8],
  ["CAP_LINUX_IMMUTABLE", 9],
  ["CAP_NET_BIND_SERVICE", 10],
  ["CAP_NET_BROADCAST", 11],
  ["CAP_NET_ADMIN", 12],
  ["CAP_NET_RAW", 13],
  ["CAP_IPC_LOCK", 14],
  ["CAP_IPC_OWNER", 15],
  ["CAP_SYS_MODULE", 16],
  ["CAP_SYS_RAWIO", 17],
  ["CAP_SYS_CHROOT", 18],
  ["CAP_SYS_PTRACE", 19],
  ["CAP_SYS_PACCT", 20],
  ["CAP_SYS_ADMIN", 21],
  ["CAP_SYS_BOOT", 22],
  ["CAP_SYS_NICE", 23],
  ["CAP_SYS_RESOURCE", 24],
  ["CAP_SYS_TIME", 25],
  ["CAP_SYS_TTY_CONFIG", 26],
  ["CAP_MKNOD", 27],
  ["CAP_LEASE", 28],
  ["CAP_AUDIT_WRITE", 29],
  ["CAP_AUDIT_CONTROL", 30],
  ["CAP_SETFCAP", 31],
  ["CAP_MAC_OVERRIDE", 32],
  ["CAP_MAC_ADMIN", 33],
  ["CAP_SYSLOG", 34],
  ["CAP_WAKE_ALARM", 35],
  ["CAP_BLOCK_SUSPEND", 36],
  ["CAP_AUDIT_READ", 37],
  ["CAP_PERFMON", 38],
  ["CAP_BPF", 39],
  ["CAP_CHECKPOINT_RESTORE", 40]
];
var ARCH_DIFFERENCES = {
  i386: [
    ["PR_SET_PTRACER_ANY", 4294967295]
  ],
  x32: [
    ["PR_SET_PTRACER_ANY", 4294967295]
  ],
  aarch64: [
    ["MAP_32BIT", null],
    ["MAP_ABOVE4G", null],
    ["O_DIRECT", 65536],
    ["O_DIRECTORY", 16384],
    ["O_LARGEFILE", 131072],
    ["O_NOFOLLOW", 32768],
    ["O_TMPFILE", 4210688],
    ["PROT_BTI", 16],
    ["PROT_MTE", 32]
  ]
};

// policies/constants.ts
var base;
var differences = /* @__PURE__ */ new Map();
var errnoByName;
var errnoByNumber;
var names;
function baseValues() {
  if (base === void 0) {
    const map = /* @__PURE__ */ new Map();
    for (const [name, value] of [...ERRNOS, ...SIGNALS, ...CONSTANTS]) {
      map.set(name, BigInt(value));
    }
    base = map;
  }
  return base;
}
function differencesOf(arch) {
  if (arch === "x86_64") return void 0;
  if (!Object.hasOwn(ARCH_DIFFERENCES, arch)) {
    throw new TypeError(`Unknown architecture "${String(arch)}"`);
  }
  let map = differences.get(arch);
  if (map === void 0) {
    map = new Map(ARCH_DIFFERENCES[arch].map(([n, v]) => [n, v === null ? null : BigInt(v)]));
    differences.set(arch, map);
  }
  return map;
}
function resolveConstant(name, arch = "x86_64") {
  const override = differencesOf(arch);
  if (override?.has(name)) return override.get(name) ?? void 0;
  return baseValues().get(name);
}
function errnoNumber(name) {
  errnoByName ??= new Map(ERRNOS);
  return errnoByName.get(name);
}
function errnoName(n) {
  if (errnoByNumber === void 0) {
    const map = /* @__PURE__ */ new Map();
    for (const [name, nr] of ERRNOS) if (!map.has(nr)) map.set(nr, name);
    errnoByNumber = map;
  }
  return errnoByNumber.get(n);
}
function constantNames() {
  if (names === void 0) {
    const all = new Set(baseValues().keys());
    for (const list of Object.values(ARCH_DIFFERENCES)) {
      for (const [name, value] of list) if (value !== null) all.add(name);
    }
    names = Object.freeze([...all].sort());
  }
  return names;
}
var capabilityByName;
function canonicalCapability(text) {
  const upper = text.trim().toUpperCase();
  const name = upper.startsWith("CAP_") ? upper : `CAP_${upper}`;
  return capabilityNumber(name) === void 0 ? void 0 : name;
}
function capabilityNumber(name) {
  capabilityByName ??= new Map(CAPABILITIES);
  return capabilityByName.get(name);
}
function capabilityNames() {
  return CAPABILITIES.map(([name]) => name);
}

// policies/types.ts
var ARCHES = ["x86_64", "i386", "x32", "aarch64"];
function letsCallRun(action2) {
  return action2 === "allow" || action2 === "log";
}
var ACTIONS_BY_STRICTNESS = [
  "kill",
  "kill_thread",
  "trap",
  "deny",
  "notify",
  "trace",
  "log",
  "allow"
];
function strictness(action2) {
  return ACTIONS_BY_STRICTNESS.length - ACTIONS_BY_STRICTNESS.indexOf(action2);
}
function formatLocation(loc) {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

// engine/dry_run_findings.ts
var MECHANISM_NAMES = {
  landlock: "Landlock",
  "cgroup-bpf": "cgroup BPF",
  "read-only-view": "read-only view of a run as root"
};
function callText(syscall, nr, args) {
  const text = `${syscall ?? `syscall_${nr}`}(${args.join(", ")})`;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
function stoppedBy(f3, withLocation) {
  const errno3 = f3.action === "deny" && f3.errno !== void 0 ? ` ${errnoName(f3.errno) ?? "errno"} (${f3.errno})` : "";
  const audit = f3.mode === "audit" ? " [audit: reported only]" : "";
  const at = withLocation ? ` at ${formatLocation(f3.loc)}` : "";
  if (f3.section !== void 0 && f3.mechanism !== void 0 && f3.mechanism !== "seccomp") {
    return `${f3.action}${errno3} by ${f3.section} of policy "${f3.policy}" (${MECHANISM_NAMES[f3.mechanism]})${at}: ${f3.reason ?? ""}${audit}`;
  }
  const who = f3.ruleId === null ? `the default action of policy "${f3.policy}"` : `rule "${f3.ruleId}" of policy "${f3.policy}"`;
  return `${f3.action}${errno3} by ${who}${at}${audit}`;
}
function dryRunFindings(report, trace, withLocation) {
  return [
    ...report.findings.map((f3) => ({
      severity: "error",
      code: `would-${f3.action.replace("_", "-")}`,
      message: `${trace}:${f3.line}: pid ${f3.pid}${f3.comm === void 0 ? "" : ` (${f3.comm})`} ${callText(f3.syscall, f3.nr, f3.args)} would be stopped: ${stoppedBy(f3, withLocation)}`,
      loc: f3.loc,
      policy: f3.policy,
      ...f3.ruleId === null ? {} : { rule: f3.ruleId }
    })),
    ...report.undecided.map((u) => ({
      severity: "warning",
      code: "undecided-call",
      message: `pid ${u.pid} ${callText(u.syscall, -1, u.args)}: ${u.reason ?? `the decision depends on argument ${u.missing.join(", ")}, which the trace does not show`}`,
      loc: { file: trace, line: u.line, column: 1 }
    })),
    ...report.malformed.map((m) => ({
      severity: "warning",
      code: "malformed-trace-line",
      message: `${m.reason}: ${m.text}`,
      loc: { file: trace, line: m.line, column: 1 }
    }))
  ];
}

// action/main.ts
import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import process2 from "node:process";
import { dirname, resolve as resolvePath2 } from "node:path";

// policies/closest_match.ts
function closestMatch(word, candidates2) {
  let best;
  let bestDistance = Math.min(3, Math.ceil(word.length / 2));
  for (const c of candidates2) {
    if (Math.abs(c.length - word.length) >= bestDistance) continue;
    const d = editDistance(word, c, bestDistance);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
function editDistance(a, b, limit) {
  let before = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, before[j - 2] + 1);
      }
      row.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin >= limit) return limit;
    before = prev;
    prev = row;
  }
  return prev[b.length];
}

// policies/errors.ts
var PolicyError = class extends SyntaxError {
  /** What kind of problem, stable across releases. */
  code;
  /** The file as it was named (a path, `-` for stdin, or `builtin:NAME`). */
  path;
  /** 1-based line. */
  line;
  /** 1-based column, in UTF-16 code units from the start of the line. */
  column;
  /** The message without the `FILE:LINE:COL: ` prefix. */
  description;
  /**
   * Creates the error; the message becomes `path:line:column: description`.
   *
   * @param code the stable code
   * @param description what is wrong, naming the offending key or value in quotes
   * @param path the file
   * @param line 1-based line
   * @param column 1-based column
   * @param options `cause`, when the problem comes from another error
   * @example
   * ```ts
   * import { PolicyError } from "@cordon/cordon";
   * const e = new PolicyError("bad-path", 'bad path "etc"', "p.yaml", 3, 12);
   * if (e.line !== 3 || e.column !== 12) throw new Error("location");
   * ```
   */
  constructor(code, description, path, line, column, options) {
    super(`${path}:${line}:${column}: ${description}`, options);
    this.name = "PolicyError";
    this.code = code;
    this.path = path;
    this.line = line;
    this.column = column;
    this.description = description;
  }
};
function comparePolicyErrors(a, b) {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}
var PolicyErrors = class extends AggregateError {
  /**
   * Collects and sorts `errors`.
   *
   * @param errors the problems, in any order; at least one
   * @example
   * ```ts
   * import { PolicyError, PolicyErrors } from "@cordon/cordon";
   * const e = new PolicyErrors([new PolicyError("no-policy", "no policy", "e.yaml", 1, 1)]);
   * if (e.message !== "e.yaml:1:1: no policy") throw new Error(e.message);
   * ```
   */
  constructor(errors) {
    const sorted = [...errors].sort(comparePolicyErrors);
    super(sorted, sorted.map((e) => e.message).join("\n"));
    this.name = "PolicyErrors";
  }
};
function fileErrorText(error) {
  const errors = typeof Deno === "undefined" ? void 0 : Deno.errors;
  if (errors !== void 0) {
    const plain = [
      [errors.NotFound, "no such file or directory"],
      [errors.PermissionDenied, "permission denied"],
      [errors.IsADirectory, "is a directory"],
      [errors.NotADirectory, "a component of the path is not a directory"],
      [errors.AlreadyExists, "already exists"],
      [errors.InvalidData, "not valid text"],
      [errors.Interrupted, "interrupted"]
    ];
    for (const [type, text] of plain) if (error instanceof type) return text;
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\(os error \d+\)/g, "").replace(/: \w+ '[^']*'$/, "").trim();
}

// policies/_parse_context.ts
var MAX_SUGGESTIONS = 10;
var MAX_ERRORS = 500;
var Context = class {
  constructor(text, file, baseDir) {
    this.text = text;
    this.file = file;
    this.baseDir = baseDir;
  }
  text;
  file;
  baseDir;
  errors = [];
  #lineStarts;
  #suggestions = 0;
  #dropped = 0;
  #firstDropped = 0;
  offset(line, column) {
    const starts = this.#lineStarts ??= lineStarts(this.text);
    return (starts[line - 1] ?? 0) + column - 1;
  }
  loc(offset) {
    const starts = this.#lineStarts ??= lineStarts(this.text);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = lo + hi + 1 >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, column: offset - starts[lo] + 1 };
  }
  error(code, offset, message) {
    if (this.errors.length >= MAX_ERRORS) {
      if (this.#dropped++ === 0) this.#firstDropped = offset;
      return;
    }
    const { line, column } = this.loc(offset);
    this.errors.push(new PolicyError(code, message, this.file, line, column));
  }
  /** The errors, with one for those beyond the limit. */
  finish() {
    if (this.#dropped === 0) return this.errors;
    const { line, column } = this.loc(this.#firstDropped);
    const message = `${this.#dropped} more errors not shown (at most ${MAX_ERRORS} per file)`;
    return [...this.errors, new PolicyError("too-many-errors", message, this.file, line, column)];
  }
  /** `(did you mean "x"?)` for a close candidate, within a budget per text. */
  suggest(word, candidates2) {
    if (this.#suggestions >= MAX_SUGGESTIONS || word.length > 64) return "";
    this.#suggestions++;
    const best = closestMatch(word, candidates2());
    return best === void 0 ? "" : ` (did you mean ${q(best)}?)`;
  }
};
function offsetOf(ctx, loc) {
  return ctx.offset(loc.line, loc.column);
}
function lineStarts(text) {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}
function q(value) {
  return JSON.stringify(String(value));
}
function child(up, key) {
  return { up, key };
}
function pathText(path) {
  if (path === void 0) return "the policy";
  const keys = [];
  for (let p = path; p !== void 0; p = p.up) keys.push(p.key);
  return keys.reverse().map((k, i) => typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`).join("");
}
function describe(node) {
  if (node.kind === "map") return "a mapping";
  if (node.kind === "seq") return "a list";
  const v = node.value;
  if (v === null) return node.empty ? "empty" : "null";
  if (typeof v === "string") return `the string ${q(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  if (typeof v === "bigint") return `the integer ${q(v)}`;
  if (typeof v === "number") return `the number ${q(v)}`;
  return `the boolean ${q(v)}`;
}

// policies/flag_expression.ts
var PREFIXED = /^([-+]?)(0x[0-9a-f]+|0o[0-7]+|0b[01]+|[0-9]+)$/i;
var C_NUMBER = /^(-?)(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$/i;
var NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
var U64 = 1n << 64n;
function toU64(v) {
  if (v >= U64 || v < -(U64 >> 1n)) return void 0;
  return v < 0n ? U64 + v : v;
}
function numberTerm(text, syntax) {
  const m = (syntax === "c" ? C_NUMBER : PREFIXED).exec(text);
  if (m === null) return void 0;
  const body = m[2];
  const magnitude = syntax === "c" && body.length > 1 && body.startsWith("0") && !/^0x/i.test(body) ? BigInt(`0o${body.slice(1)}`) : BigInt(body);
  return m[1] === "-" ? -magnitude : magnitude;
}
function parseFlagExpression(text, resolve, syntax = "prefixed") {
  const terms = [];
  let value = 0n;
  let offset = 0;
  for (const part of text.split("|")) {
    const term = part.trim();
    const at = offset + (term === "" ? 0 : part.indexOf(term));
    offset += part.length + 1;
    let result;
    const number = term === "" ? void 0 : numberTerm(term, syntax);
    if (term === "") {
      result = { text: term, offset: at, error: { kind: "empty" } };
    } else if (number !== void 0) {
      const u = toU64(number);
      result = u === void 0 ? { text: term, offset: at, error: { kind: "too-wide" } } : { text: term, offset: at, value: u };
    } else if (NAME.test(term)) {
      const c = resolve(term);
      const u = typeof c === "bigint" ? toU64(c) : void 0;
      result = typeof c === "string" ? { text: term, offset: at, error: { kind: "constant", reason: c } } : u === void 0 ? { text: term, offset: at, error: { kind: "too-wide" } } : { text: term, offset: at, value: u };
    } else {
      result = { text: term, offset: at, error: { kind: "not-a-term" } };
    }
    terms.push(result);
    value = value !== void 0 && result.value !== void 0 ? value | result.value : void 0;
  }
  return { value, terms };
}

// policies/_yaml_tree.ts
var import_npm_yaml_2_9 = __toESM(require_dist());
import process from "node:process";

// policies/_fast_yaml.ts
var GiveUp = class extends Error {
  constructor(offset) {
    super("outside the YAML subset");
    this.offset = offset;
  }
  offset;
};
var OUTSIDE_SUBSET = /[^\x20-\x7e\n]/;
function charTable(chars) {
  const table = new Uint8Array(128);
  const all = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" + chars;
  for (let i = 0; i < all.length; i++) table[all.charCodeAt(i)] = 1;
  return table;
}
var KEY_CHAR = charTable("_-");
var PLAIN_FIRST = charTable("/_.~+$(=<^");
var FLOW_CHAR = charTable("_./+~=@()<>$^%|-");
function plainStart(t, p) {
  const c = t.charCodeAt(p);
  if (PLAIN_FIRST[c] === 1) return true;
  const next = t.charCodeAt(p + 1);
  return c === 45 && (next >= 48 && next <= 57 || next === 46);
}
function parseYamlSubset(text, maxDepth) {
  const outside = text.search(OUTSIDE_SUBSET);
  if (outside !== -1) return { gaveUpAt: outside };
  let reader;
  try {
    reader = new SubsetReader(text, maxDepth);
    return { docs: reader.documents() };
  } catch (e) {
    if (e instanceof GiveUp) return { gaveUpAt: e.offset ?? reader?.at ?? 0 };
    throw e;
  }
}
function giveUp(offset) {
  throw new GiveUp(offset);
}
function plainScalar(raw, start) {
  return { kind: "scalar", value: resolvePlain(raw), quoted: false, empty: false, start };
}
function resolvePlain(raw) {
  const c = raw.charCodeAt(0);
  if (raw.length > 0 && !(c >= 48 && c <= 57) && c !== 43 && c !== 45 && c !== 46 && c !== 126 && !"nNtTfF".includes(raw[0])) {
    return raw;
  }
  if (/^(?:~|[Nn]ull|NULL)?$/.test(raw)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(raw)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(raw)) return false;
  if (/^0o[0-7]+$/.test(raw) || /^[-+]?[0-9]+$/.test(raw) || /^0x[0-9a-fA-F]+$/.test(raw)) {
    return BigInt(raw);
  }
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(raw)) {
    if (raw.slice(-3).toLowerCase() === "nan") return NaN;
    return raw[0] === "-" ? -Infinity : Infinity;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(raw) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(raw)) {
    return parseFloat(raw);
  }
  return raw;
}
var SubsetReader = class {
  #text;
  #maxDepth;
  #lines = [];
  #i = 0;
  /** The start of the line being read: where the reader gave up, unless it says otherwise. */
  get at() {
    return this.#lines[Math.min(this.#i, this.#lines.length - 1)]?.pos ?? 0;
  }
  constructor(text, maxDepth) {
    this.#text = text;
    this.#maxDepth = maxDepth;
    let start = 0;
    while (start <= text.length) {
      let end = text.indexOf("\n", start);
      if (end === -1) end = text.length;
      let pos = start;
      while (pos < end && text.charCodeAt(pos) === 32) pos++;
      const first = text[pos];
      if (pos < end && first !== "#") {
        if (pos === start && (first === "-" || first === ".") && text.startsWith("---", pos)) {
          this.#markerLine(pos, end, first);
        } else if (pos === start && (first === "%" || text.startsWith("...", pos))) {
          giveUp(pos);
        } else {
          this.#lines.push({ pos, indent: pos - start, end, marker: false });
        }
      }
      start = end + 1;
    }
  }
  #markerLine(pos, end, first) {
    const after = this.#text[pos + 3];
    if (first !== "-" || after !== void 0 && after !== " " && after !== "\n") {
      giveUp(pos);
    }
    let p = pos + 3;
    while (p < end && this.#text[p] === " ") p++;
    if (p < end && this.#text[p] !== "#") giveUp(pos);
    this.#lines.push({ pos, indent: 0, end, marker: true });
  }
  documents() {
    const docs = [];
    const lines = this.#lines;
    while (this.#i < lines.length) {
      const line = lines[this.#i];
      if (line.marker) {
        this.#i++;
        continue;
      }
      docs.push(this.#block(line, 1));
      const next = lines[this.#i];
      if (next !== void 0 && !next.marker) giveUp();
    }
    return docs;
  }
  #block(line, depth) {
    if (depth > this.#maxDepth) giveUp();
    return this.#isDash(line) ? this.#seq(line.indent, depth) : this.#map(line.indent, depth);
  }
  #isDash(line) {
    const t = this.#text;
    return t[line.pos] === "-" && (line.pos + 1 === line.end || t[line.pos + 1] === " ");
  }
  /** The next line if it is content (not a marker, not past the end). */
  #peek() {
    const line = this.#lines[this.#i];
    return line === void 0 || line.marker ? void 0 : line;
  }
  /** After an empty value at `emptyAt` on a line at `indent`: a nested block, or null. */
  #emptyValue(indent, emptyAt, depth, inMap) {
    this.#i++;
    const next = this.#peek();
    if (next !== void 0 && next.indent > indent) return this.#block(next, depth + 1);
    if (inMap && next !== void 0 && next.indent === indent && this.#isDash(next)) {
      return this.#seq(indent, depth + 1);
    }
    return { kind: "scalar", value: null, quoted: false, empty: true, start: emptyAt };
  }
  #map(indent, depth) {
    if (depth > this.#maxDepth) giveUp();
    const t = this.#text;
    const entries = [];
    const seen = /* @__PURE__ */ new Set();
    const start = this.#lines[this.#i].pos;
    for (let line = this.#peek(); line !== void 0; line = this.#peek()) {
      if (line.indent < indent) break;
      if (line.indent > indent || this.#isDash(line)) giveUp();
      const keyEnd = this.#keyEnd(line.pos, line.end);
      if (keyEnd === void 0) giveUp();
      const key = plainScalar(t.slice(line.pos, keyEnd), line.pos);
      const id2 = `${typeof key.value}:${String(key.value)}`;
      if (seen.has(id2)) giveUp();
      seen.add(id2);
      let p = keyEnd + 1;
      while (p < line.end && t.charCodeAt(p) === 32) p++;
      let value;
      if (p === line.end || t[p] === "#") {
        value = this.#emptyValue(indent, p, depth, true);
      } else {
        value = this.#inline(line, p, depth + 1);
        this.#i++;
        const next = this.#peek();
        if (next !== void 0 && next.indent > indent) giveUp();
      }
      entries.push({ key, value });
    }
    return { kind: "map", entries, start };
  }
  /** Where the `:` of a `key:` starting at `pos` is, or `undefined` when there is no such key. */
  #keyEnd(pos, end) {
    const t = this.#text;
    if (t[pos] === "-") return void 0;
    let p = pos;
    while (p < end && KEY_CHAR[t.charCodeAt(p)] === 1) p++;
    if (p === pos || t[p] !== ":") return void 0;
    if (p + 1 < end && t[p + 1] !== " ") return void 0;
    return p;
  }
  #seq(indent, depth) {
    if (depth > this.#maxDepth) giveUp();
    const t = this.#text;
    const items2 = [];
    const start = this.#lines[this.#i].pos;
    for (let line = this.#peek(); line !== void 0; line = this.#peek()) {
      if (line.indent < indent) break;
      if (line.indent > indent) giveUp();
      if (!this.#isDash(line)) break;
      let p = line.pos + 1;
      while (p < line.end && t.charCodeAt(p) === 32) p++;
      if (p === line.end || t[p] === "#") {
        items2.push(this.#emptyValue(indent, p, depth, false));
      } else if (t[p] === "-" && (p + 1 === line.end || t[p + 1] === " ")) {
        giveUp();
      } else if (this.#keyEnd(p, line.end) !== void 0) {
        line.indent += p - line.pos;
        line.pos = p;
        items2.push(this.#map(line.indent, depth + 1));
      } else {
        items2.push(this.#inline(line, p, depth + 1));
        this.#i++;
        const next = this.#peek();
        if (next !== void 0 && next.indent > indent) giveUp();
      }
    }
    return { kind: "seq", items: items2, start };
  }
  /** A value that fills the rest of `line` from `p` (a trailing comment is allowed). */
  #inline(line, p, depth) {
    const t = this.#text;
    const c = t[p];
    let node;
    let after;
    if (c === '"' || c === "'") {
      [node, after] = this.#quoted(p, line.end);
    } else if (c === "[" || c === "{") {
      [node, after] = this.#flow(p, line.end, depth);
    } else {
      if (!plainStart(t, p)) giveUp();
      let q3 = p;
      while (q3 < line.end) {
        const ch = t.charCodeAt(q3);
        if (ch === 35 && t.charCodeAt(q3 - 1) === 32) break;
        if (ch === 58 && (q3 + 1 === line.end || t.charCodeAt(q3 + 1) === 32)) giveUp();
        q3++;
      }
      let e = q3;
      while (t.charCodeAt(e - 1) === 32) e--;
      return plainScalar(t.slice(p, e), p);
    }
    while (after < line.end && t.charCodeAt(after) === 32) after++;
    if (after < line.end && !(t[after] === "#" && t[after - 1] === " ")) giveUp();
    return node;
  }
  #quoted(p, end) {
    const t = this.#text;
    const q3 = t[p];
    let value = "";
    let from = p + 1;
    for (let i = p + 1; i < end; i++) {
      const ch = t[i];
      if (q3 === '"' && ch === "\\") giveUp();
      if (ch !== q3) continue;
      if (q3 === "'" && t[i + 1] === "'") {
        value += t.slice(from, i + 1);
        from = i + 2;
        i++;
        continue;
      }
      value += t.slice(from, i);
      return [{ kind: "scalar", value, quoted: true, empty: false, start: p }, i + 1];
    }
    return giveUp();
  }
  #flow(p, end, depth) {
    if (depth > this.#maxDepth) giveUp();
    const t = this.#text;
    const open = t[p];
    const close = open === "[" ? "]" : "}";
    const items2 = [];
    const entries = [];
    const seen = /* @__PURE__ */ new Set();
    let i = this.#skipSpaces(p + 1, end);
    if (t[i] === close) {
      const node2 = open === "[" ? { kind: "seq", items: items2, start: p } : { kind: "map", entries, start: p };
      return [node2, i + 1];
    }
    for (; ; ) {
      if (open === "[") {
        const [item, after] = this.#flowValue(i, end, depth);
        items2.push(item);
        i = this.#skipSpaces(after, end);
      } else {
        const [key, afterKey] = this.#flowValue(i, end, depth);
        if (key.kind !== "scalar" || key.quoted || t[afterKey] !== ":") giveUp();
        if (t[afterKey + 1] !== " ") giveUp();
        const id2 = `${typeof key.value}:${String(key.value)}`;
        if (seen.has(id2)) giveUp();
        seen.add(id2);
        const v = this.#skipSpaces(afterKey + 1, end);
        if (t[v] === "," || t[v] === close) giveUp();
        const [value, after] = this.#flowValue(v, end, depth);
        entries.push({ key, value });
        i = this.#skipSpaces(after, end);
      }
      if (t[i] === close) break;
      if (t[i] !== ",") giveUp();
      i = this.#skipSpaces(i + 1, end);
      if (t[i] === close) giveUp();
    }
    const node = open === "[" ? { kind: "seq", items: items2, start: p } : { kind: "map", entries, start: p };
    return [node, i + 1];
  }
  #skipSpaces(i, end) {
    while (i < end && this.#text.charCodeAt(i) === 32) i++;
    return i;
  }
  #flowValue(p, end, depth) {
    const t = this.#text;
    const c = t[p];
    if (p >= end) giveUp();
    if (c === '"' || c === "'") return this.#quoted(p, end);
    if (c === "[" || c === "{") return this.#flow(p, end, depth + 1);
    if (!plainStart(t, p)) giveUp();
    let q3 = p;
    while (q3 < end) {
      const ch = t.charCodeAt(q3);
      if (FLOW_CHAR[ch] === 1) {
        q3++;
      } else if (ch === 58 && q3 + 1 < end && FLOW_CHAR[t.charCodeAt(q3 + 1)] === 1) {
        q3++;
      } else {
        break;
      }
    }
    return [plainScalar(t.slice(p, q3), p), q3];
  }
};

// policies/_yaml_tree.ts
var DEFAULT_YAML_LIMITS = {
  maxBytes: 128 * 1024,
  maxFastBytes: 4 * 1024 * 1024,
  maxDepth: 64,
  maxDocuments: 1e3,
  maxAliasNodes: 1e4
};
var MAX_YAML_ERRORS = 20;
function readYaml(text, limits = DEFAULT_YAML_LIMITS) {
  if (text.length > limits.maxFastBytes) {
    return {
      docs: [],
      issues: [{
        code: "too-large",
        offset: 0,
        message: `policy text is ${text.length} bytes, more than the limit of ${limits.maxFastBytes}`
      }],
      reader: "fast"
    };
  }
  const fast = parseYamlSubset(text, limits.maxDepth);
  if ("docs" in fast) {
    const extra = fast.docs[limits.maxDocuments];
    if (extra === void 0) return { docs: fast.docs, issues: [], reader: "fast" };
    const message = `more than ${limits.maxDocuments} documents`;
    return {
      docs: [],
      issues: [{ code: "too-many-documents", offset: extra.start, message }],
      reader: "fast"
    };
  }
  if (text.length > limits.maxBytes) {
    return {
      docs: [],
      issues: [{
        code: "too-large",
        offset: fast.gaveUpAt,
        message: `the text is ${text.length} bytes, and above ${limits.maxBytes} bytes only plain YAML is read (block mappings and lists; one-line plain, quoted and flow values; no anchors, aliases, tags, block scalars, escapes or tabs): this line (or the next) uses more, or has a syntax error`
      }],
      reader: "fast"
    };
  }
  return readYamlFull(text, limits);
}
function readYamlFull(text, limits = DEFAULT_YAML_LIMITS) {
  const pre = prescan(text, limits);
  if (pre !== void 0) return { docs: [], issues: [pre], reader: "yaml" };
  const issues = [];
  const docs = [];
  const composer = new import_npm_yaml_2_9.Composer({
    version: "1.2",
    schema: "core",
    merge: false,
    intAsBigInt: true,
    uniqueKeys: false,
    prettyErrors: false,
    strict: true
  });
  let count = 0;
  let streamErrors = 0;
  let stoppedAt;
  function* limited(tokens) {
    for (const token of tokens) {
      if (token.type === "error" && ++streamErrors > MAX_YAML_ERRORS) {
        stoppedAt = token.offset;
        return;
      }
      yield token;
    }
  }
  const composed = withoutProcessEnv(
    () => Array.from(composer.compose(limited(new import_npm_yaml_2_9.Parser().parse(text))))
  );
  if (stoppedAt !== void 0) {
    issues.push({
      code: "yaml-syntax",
      offset: stoppedAt,
      message: `more than ${MAX_YAML_ERRORS} YAML errors: reading stopped here`
    });
  }
  for (const doc of composed) {
    count++;
    if (count > limits.maxDocuments) {
      issues.push({
        code: "too-many-documents",
        offset: doc.range[0],
        message: `more than ${limits.maxDocuments} documents`
      });
      break;
    }
    const problems = [...doc.errors, ...doc.warnings];
    for (const e of problems.slice(0, MAX_YAML_ERRORS)) {
      const near = text.slice(e.pos[0], Math.min(e.pos[1], e.pos[0] + 24)).trim();
      issues.push({
        code: "yaml-syntax",
        offset: e.pos[0],
        message: near === "" ? `invalid YAML: ${e.message}` : `invalid YAML at ${JSON.stringify(near)}: ${e.message}`
      });
    }
    const more = problems[MAX_YAML_ERRORS];
    if (more !== void 0) {
      issues.push({
        code: "yaml-syntax",
        offset: more.pos[0],
        message: `${problems.length - MAX_YAML_ERRORS} more YAML errors from here on not shown`
      });
    }
    if (problems.length > 0 || doc.contents === null) continue;
    if ((0, import_npm_yaml_2_9.isScalar)(doc.contents) && doc.contents.value === null && doc.contents.source === "") {
      continue;
    }
    const converter = new Converter(text, limits, issues);
    const root = converter.node(doc.contents, 1);
    if (root !== void 0) docs.push(root);
  }
  return { docs, issues, reader: "yaml" };
}
function withoutProcessEnv(fn) {
  const env = Object.getOwnPropertyDescriptor(process, "env");
  if (env === void 0 || !env.configurable) return fn();
  Object.defineProperty(process, "env", {
    value: Object.freeze({}),
    writable: true,
    enumerable: env.enumerable ?? true,
    configurable: true
  });
  try {
    return fn();
  } finally {
    Object.defineProperty(process, "env", env);
  }
}
var EMPTY_AT = (start) => ({
  kind: "scalar",
  value: null,
  quoted: false,
  empty: true,
  start
});
var Converter = class {
  constructor(text, limits, issues) {
    this.text = text;
    this.limits = limits;
    this.issues = issues;
  }
  text;
  limits;
  issues;
  #anchors = /* @__PURE__ */ new Map();
  #sizes = /* @__PURE__ */ new WeakMap();
  #aliasNodes = 0;
  #stopped = false;
  #issue(code, offset, message) {
    this.issues.push({ code, offset, message });
    return void 0;
  }
  #size(node) {
    return this.#sizes.get(node) ?? 1;
  }
  #alias(alias) {
    const offset = alias.range?.[0] ?? 0;
    const target = this.#anchors.get(alias.source);
    if (target === void 0) {
      return this.#issue("yaml-syntax", offset, `unknown alias "*${alias.source}"`);
    }
    this.#aliasNodes += target.size;
    if (this.#aliasNodes > this.limits.maxAliasNodes) {
      this.#stopped = true;
      return this.#issue(
        "too-many-aliases",
        offset,
        `alias "*${alias.source}" expands the document beyond ${this.limits.maxAliasNodes} aliased nodes`
      );
    }
    return target.node;
  }
  /** Converts `node` at nesting `depth`; `undefined` after an issue was recorded. */
  node(node, depth) {
    if (this.#stopped) return void 0;
    if ((0, import_npm_yaml_2_9.isAlias)(node)) return this.#alias(node);
    const offset = node?.range?.[0] ?? 0;
    if (depth > this.limits.maxDepth) {
      this.#stopped = true;
      return this.#issue("too-deep", offset, `nesting deeper than ${this.limits.maxDepth} levels`);
    }
    let out;
    let size = 1;
    if ((0, import_npm_yaml_2_9.isScalar)(node)) {
      const v = node.value;
      const quoted = node.type !== void 0 && node.type !== "PLAIN";
      if (typeof v === "string" || typeof v === "bigint" || typeof v === "number" || typeof v === "boolean" || v === null) {
        const empty = v === null && node.source === "" && !quoted;
        out = { kind: "scalar", value: v, quoted, empty, start: offset };
      } else {
        return this.#issue("yaml-syntax", offset, "unsupported YAML scalar type");
      }
    } else if ((0, import_npm_yaml_2_9.isSeq)(node)) {
      const items2 = [];
      for (const item of node.items) {
        const y = this.node(item, depth + 1);
        if (y === void 0) continue;
        items2.push(y);
        size += this.#size(y);
      }
      out = { kind: "seq", items: items2, start: offset };
    } else if ((0, import_npm_yaml_2_9.isMap)(node)) {
      const entries = [];
      const seen = /* @__PURE__ */ new Set();
      for (const pair of node.items) {
        if (!(0, import_npm_yaml_2_9.isPair)(pair)) continue;
        const key = this.#key(pair.key, offset);
        if (key === void 0) continue;
        const id2 = `${typeof key.value}:${String(key.value)}`;
        if (seen.has(id2)) {
          this.#issue("yaml-syntax", key.start, `duplicate key ${JSON.stringify(keyText(key))}`);
          continue;
        }
        seen.add(id2);
        const value = pair.value === null ? EMPTY_AT(key.start) : this.node(pair.value, depth + 1);
        if (value === void 0) continue;
        entries.push({ key, value });
        size += 1 + this.#size(value);
      }
      out = { kind: "map", entries, start: offset };
    } else {
      return this.#issue("yaml-syntax", offset, "unsupported YAML node");
    }
    this.#sizes.set(out, size);
    const anchor = node.anchor;
    if (anchor !== void 0) this.#anchors.set(anchor, { node: out, size });
    return out;
  }
  #key(key, mapOffset) {
    const resolved = (0, import_npm_yaml_2_9.isAlias)(key) ? this.#alias(key) : this.node(key, 1);
    if (resolved === void 0) {
      if (key === null) return this.#issue("yaml-syntax", mapOffset, "mapping entry without key");
      return void 0;
    }
    if (resolved.kind !== "scalar") {
      return this.#issue("yaml-syntax", resolved.start, "mapping keys must be plain scalars");
    }
    return resolved;
  }
};
function keyText(key) {
  return typeof key.value === "string" ? key.value : String(key.value);
}
function prescan(text, limits) {
  let flow = 0;
  let quote = "";
  let documents = 0;
  const indents = [];
  let lineStart = true;
  let indicators = 0;
  let prev = "\n";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== "") {
      if (quote === '"' && c === "\\") i++;
      else if (c === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else quote = "";
      }
      prev = c;
      continue;
    }
    if (lineStart) {
      lineStart = false;
      let j = i;
      while (text[j] === " ") j++;
      if (j === i && (text.startsWith("---", i) || text.startsWith("...", i))) {
        documents++;
        if (documents > limits.maxDocuments) {
          return {
            code: "too-many-documents",
            offset: i,
            message: `more than ${limits.maxDocuments} documents`
          };
        }
      }
      const blank = text[j] === "\n" || text[j] === "#" || text[j] === "\r" || j >= text.length;
      if (!blank && flow === 0) {
        const indent = j - i;
        while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
        indents.push(indent);
        if (indents.length > limits.maxDepth) {
          return {
            code: "too-deep",
            offset: j,
            message: `nesting deeper than ${limits.maxDepth} levels`
          };
        }
      }
    }
    if (c === "\n") {
      lineStart = true;
      indicators = 0;
    } else if ((c === "-" || c === "?") && text[i + 1] === " " && (prev === " " || prev === "\n")) {
      if (++indicators + indents.length > limits.maxDepth) {
        return {
          code: "too-deep",
          offset: i,
          message: `nesting deeper than ${limits.maxDepth} levels`
        };
      }
    } else if (c === "#" && (prev === " " || prev === "	" || prev === "\n")) {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else if (c === "[" || c === "{") {
      flow++;
      if (flow + indents.length > limits.maxDepth) {
        return {
          code: "too-deep",
          offset: i,
          message: `nesting deeper than ${limits.maxDepth} levels`
        };
      }
    } else if (c === "]" || c === "}") {
      if (flow > 0) flow--;
    } else if ((c === '"' || c === "'") && " 	\n[{,:-?".includes(prev)) {
      quote = c;
    }
    prev = c;
  }
  return void 0;
}

// policies/syscall_tables/x86_64.ts
var SYSCALLS = [
  ["read", 0],
  ["write", 1],
  ["open", 2],
  ["close", 3],
  ["stat", 4],
  ["fstat", 5],
  ["lstat", 6],
  ["poll", 7],
  ["lseek", 8],
  ["mmap", 9],
  ["mprotect", 10],
  ["munmap", 11],
  ["brk", 12],
  ["rt_sigaction", 13],
  ["rt_sigprocmask", 14],
  ["rt_sigreturn", 15],
  ["ioctl", 16],
  ["pread64", 17],
  ["pwrite64", 18],
  ["readv", 19],
  ["writev", 20],
  ["access", 21],
  ["pipe", 22],
  ["select", 23],
  ["sched_yield", 24],
  ["mremap", 25],
  ["msync", 26],
  ["mincore", 27],
  ["madvise", 28],
  ["shmget", 29],
  ["shmat", 30],
  ["shmctl", 31],
  ["dup", 32],
  ["dup2", 33],
  ["pause", 34],
  ["nanosleep", 35],
  ["getitimer", 36],
  ["alarm", 37],
  ["setitimer", 38],
  ["getpid", 39],
  ["sendfile", 40],
  ["socket", 41],
  ["connect", 42],
  ["accept", 43],
  ["sendto", 44],
  ["recvfrom", 45],
  ["sendmsg", 46],
  ["recvmsg", 47],
  ["shutdown", 48],
  ["bind", 49],
  ["listen", 50],
  ["getsockname", 51],
  ["getpeername", 52],
  ["socketpair", 53],
  ["setsockopt", 54],
  ["getsockopt", 55],
  ["clone", 56],
  ["fork", 57],
  ["vfork", 58],
  ["execve", 59],
  ["exit", 60],
  ["wait4", 61],
  ["kill", 62],
  ["uname", 63],
  ["semget", 64],
  ["semop", 65],
  ["semctl", 66],
  ["shmdt", 67],
  ["msgget", 68],
  ["msgsnd", 69],
  ["msgrcv", 70],
  ["msgctl", 71],
  ["fcntl", 72],
  ["flock", 73],
  ["fsync", 74],
  ["fdatasync", 75],
  ["truncate", 76],
  ["ftruncate", 77],
  ["getdents", 78],
  ["getcwd", 79],
  ["chdir", 80],
  ["fchdir", 81],
  ["rename", 82],
  ["mkdir", 83],
  ["rmdir", 84],
  ["creat", 85],
  ["link", 86],
  ["unlink", 87],
  ["symlink", 88],
  ["readlink", 89],
  ["chmod", 90],
  ["fchmod", 91],
  ["chown", 92],
  ["fchown", 93],
  ["lchown", 94],
  ["umask", 95],
  ["gettimeofday", 96],
  ["getrlimit", 97],
  ["getrusage", 98],
  ["sysinfo", 99],
  ["times", 100],
  ["ptrace", 101],
  ["getuid", 102],
  ["syslog", 103],
  ["getgid", 104],
  ["setuid", 105],
  ["setgid", 106],
  ["geteuid", 107],
  ["getegid", 108],
  ["setpgid", 109],
  ["getppid", 110],
  ["getpgrp", 111],
  ["setsid", 112],
  ["setreuid", 113],
  ["setregid", 114],
  ["getgroups", 115],
  ["setgroups", 116],
  ["setresuid", 117],
  ["getresuid", 118],
  ["setresgid", 119],
  ["getresgid", 120],
  ["getpgid", 121],
  ["setfsuid", 122],
  ["setfsgid", 123],
  ["getsid", 124],
  ["capget", 125],
  ["capset", 126],
  ["rt_sigpending", 127],
  ["rt_sigtimedwait", 128],
  ["rt_sigqueueinfo", 129],
  ["rt_sigsuspend", 130],
  ["sigaltstack", 131],
  ["utime", 132],
  ["mknod", 133],
  ["uselib", 134],
  ["personality", 135],
  ["ustat", 136],
  ["statfs", 137],
  ["fstatfs", 138],
  ["sysfs", 139],
  ["getpriority", 140],
  ["setpriority", 141],
  ["sched_setparam", 142],
  ["sched_getparam", 143],
  ["sched_setscheduler", 144],
  ["sched_getscheduler", 145],
  ["sched_get_priority_max", 146],
  ["sched_get_priority_min", 147],
  ["sched_rr_get_interval", 148],
  ["mlock", 149],
  ["munlock", 150],
  ["mlockall", 151],
  ["munlockall", 152],
  ["vhangup", 153],
  ["modify_ldt", 154],
  ["pivot_root", 155],
  ["_sysctl", 156],
  ["prctl", 157],
  ["arch_prctl", 158],
  ["adjtimex", 159],
  ["setrlimit", 160],
  ["chroot", 161],
  ["sync", 162],
  ["acct", 163],
  ["settimeofday", 164],
  ["mount", 165],
  ["umount2", 166],
  ["swapon", 167],
  ["swapoff", 168],
  ["reboot", 169],
  ["sethostname", 170],
  ["setdomainname", 171],
  ["iopl", 172],
  ["ioperm", 173],
  ["create_module", 174],
  ["init_module", 175],
  ["delete_module", 176],
  ["get_kernel_syms", 177],
  ["query_module", 178],
  ["quotactl", 179],
  ["nfsservctl", 180],
  ["getpmsg", 181],
  ["putpmsg", 182],
  ["afs_syscall", 183],
  ["tuxcall", 184],
  ["security", 185],
  ["gettid", 186],
  ["readahead", 187],
  ["setxattr", 188],
  ["lsetxattr", 189],
  ["fsetxattr", 190],
  ["getxattr", 191],
  ["lgetxattr", 192],
  ["fgetxattr", 193],
  ["listxattr", 194],
  ["llistxattr", 195],
  ["flistxattr", 196],
  ["removexattr", 197],
  ["lremovexattr", 198],
  ["fremovexattr", 199],
  ["tkill", 200],
  ["time", 201],
  ["futex", 202],
  ["sched_setaffinity", 203],
  ["sched_getaffinity", 204],
  ["set_thread_area", 205],
  ["io_setup", 206],
  ["io_destroy", 207],
  ["io_getevents", 208],
  ["io_submit", 209],
  ["io_cancel", 210],
  ["get_thread_area", 211],
  ["lookup_dcookie", 212],
  ["epoll_create", 213],
  ["epoll_ctl_old", 214],
  ["epoll_wait_old", 215],
  ["remap_file_pages", 216],
  ["getdents64", 217],
  ["set_tid_address", 218],
  ["restart_syscall", 219],
  ["semtimedop", 220],
  ["fadvise64", 221],
  ["timer_create", 222],
  ["timer_settime", 223],
  ["timer_gettime", 224],
  ["timer_getoverrun", 225],
  ["timer_delete", 226],
  ["clock_settime", 227],
  ["clock_gettime", 228],
  ["clock_getres", 229],
  ["clock_nanosleep", 230],
  ["exit_group", 231],
  ["epoll_wait", 232],
  ["epoll_ctl", 233],
  ["tgkill", 234],
  ["utimes", 235],
  ["vserver", 236],
  ["mbind", 237],
  ["set_mempolicy", 238],
  ["get_mempolicy", 239],
  ["mq_open", 240],
  ["mq_unlink", 241],
  ["mq_timedsend", 242],
  ["mq_timedreceive", 243],
  ["mq_notify", 244],
  ["mq_getsetattr", 245],
  ["kexec_load", 246],
  ["waitid", 247],
  ["add_key", 248],
  ["request_key", 249],
  ["keyctl", 250],
  ["ioprio_set", 251],
  ["ioprio_get", 252],
  ["inotify_init", 253],
  ["inotify_add_watch", 254],
  ["inotify_rm_watch", 255],
  ["migrate_pages", 256],
  ["openat", 257],
  ["mkdirat", 258],
  ["mknodat", 259],
  ["fchownat", 260],
  ["futimesat", 261],
  ["newfstatat", 262],
  ["unlinkat", 263],
  ["renameat", 264],
  ["linkat", 265],
  ["symlinkat", 266],
  ["readlinkat", 267],
  ["fchmodat", 268],
  ["faccessat", 269],
  ["pselect6", 270],
  ["ppoll", 271],
  ["unshare", 272],
  ["set_robust_list", 273],
  ["get_robust_list", 274],
  ["splice", 275],
  ["tee", 276],
  ["sync_file_range", 277],
  ["vmsplice", 278],
  ["move_pages", 279],
  ["utimensat", 280],
  ["epoll_pwait", 281],
  ["signalfd", 282],
  ["timerfd_create", 283],
  ["eventfd", 284],
  ["fallocate", 285],
  ["timerfd_settime", 286],
  ["timerfd_gettime", 287],
  ["accept4", 288],
  ["signalfd4", 289],
  ["eventfd2", 290],
  ["epoll_create1", 291],
  ["dup3", 292],
  ["pipe2", 293],
  ["inotify_init1", 294],
  ["preadv", 295],
  ["pwritev", 296],
  ["rt_tgsigqueueinfo", 297],
  ["perf_event_open", 298],
  ["recvmmsg", 299],
  ["fanotify_init", 300],
  ["fanotify_mark", 301],
  ["prlimit64", 302],
  ["name_to_handle_at", 303],
  ["open_by_handle_at", 304],
  ["clock_adjtime", 305],
  ["syncfs", 306],
  ["sendmmsg", 307],
  ["setns", 308],
  ["getcpu", 309],
  ["process_vm_readv", 310],
  ["process_vm_writev", 311],
  ["kcmp", 312],
  ["finit_module", 313],
  ["sched_setattr", 314],
  ["sched_getattr", 315],
  ["renameat2", 316],
  ["seccomp", 317],
  ["getrandom", 318],
  ["memfd_create", 319],
  ["kexec_file_load", 320],
  ["bpf", 321],
  ["execveat", 322],
  ["userfaultfd", 323],
  ["membarrier", 324],
  ["mlock2", 325],
  ["copy_file_range", 326],
  ["preadv2", 327],
  ["pwritev2", 328],
  ["pkey_mprotect", 329],
  ["pkey_alloc", 330],
  ["pkey_free", 331],
  ["statx", 332],
  ["io_pgetevents", 333],
  ["rseq", 334],
  ["uretprobe", 335],
  ["uprobe", 336],
  ["pidfd_send_signal", 424],
  ["io_uring_setup", 425],
  ["io_uring_enter", 426],
  ["io_uring_register", 427],
  ["open_tree", 428],
  ["move_mount", 429],
  ["fsopen", 430],
  ["fsconfig", 431],
  ["fsmount", 432],
  ["fspick", 433],
  ["pidfd_open", 434],
  ["clone3", 435],
  ["close_range", 436],
  ["openat2", 437],
  ["pidfd_getfd", 438],
  ["faccessat2", 439],
  ["process_madvise", 440],
  ["epoll_pwait2", 441],
  ["mount_setattr", 442],
  ["quotactl_fd", 443],
  ["landlock_create_ruleset", 444],
  ["landlock_add_rule", 445],
  ["landlock_restrict_self", 446],
  ["memfd_secret", 447],
  ["process_mrelease", 448],
  ["futex_waitv", 449],
  ["set_mempolicy_home_node", 450],
  ["cachestat", 451],
  ["fchmodat2", 452],
  ["map_shadow_stack", 453],
  ["futex_wake", 454],
  ["futex_wait", 455],
  ["futex_requeue", 456],
  ["statmount", 457],
  ["listmount", 458],
  ["lsm_get_self_attr", 459],
  ["lsm_set_self_attr", 460],
  ["lsm_list_modules", 461],
  ["mseal", 462],
  ["setxattrat", 463],
  ["getxattrat", 464],
  ["listxattrat", 465],
  ["removexattrat", 466],
  ["open_tree_attr", 467],
  ["file_getattr", 468],
  ["file_setattr", 469],
  ["listns", 470],
  ["rseq_slice_yield", 471],
  ["fchroot", 472]
];

// policies/syscall_tables/i386.ts
var SYSCALLS2 = [
  ["restart_syscall", 0],
  ["exit", 1],
  ["fork", 2],
  ["read", 3],
  ["write", 4],
  ["open", 5],
  ["close", 6],
  ["waitpid", 7],
  ["creat", 8],
  ["link", 9],
  ["unlink", 10],
  ["execve", 11],
  ["chdir", 12],
  ["time", 13],
  ["mknod", 14],
  ["chmod", 15],
  ["lchown", 16],
  ["break", 17],
  ["oldstat", 18],
  ["lseek", 19],
  ["getpid", 20],
  ["mount", 21],
  ["umount", 22],
  ["setuid", 23],
  ["getuid", 24],
  ["stime", 25],
  ["ptrace", 26],
  ["alarm", 27],
  ["oldfstat", 28],
  ["pause", 29],
  ["utime", 30],
  ["stty", 31],
  ["gtty", 32],
  ["access", 33],
  ["nice", 34],
  ["ftime", 35],
  ["sync", 36],
  ["kill", 37],
  ["rename", 38],
  ["mkdir", 39],
  ["rmdir", 40],
  ["dup", 41],
  ["pipe", 42],
  ["times", 43],
  ["prof", 44],
  ["brk", 45],
  ["setgid", 46],
  ["getgid", 47],
  ["signal", 48],
  ["geteuid", 49],
  ["getegid", 50],
  ["acct", 51],
  ["umount2", 52],
  ["lock", 53],
  ["ioctl", 54],
  ["fcntl", 55],
  ["mpx", 56],
  ["setpgid", 57],
  ["ulimit", 58],
  ["oldolduname", 59],
  ["umask", 60],
  ["chroot", 61],
  ["ustat", 62],
  ["dup2", 63],
  ["getppid", 64],
  ["getpgrp", 65],
  ["setsid", 66],
  ["sigaction", 67],
  ["sgetmask", 68],
  ["ssetmask", 69],
  ["setreuid", 70],
  ["setregid", 71],
  ["sigsuspend", 72],
  ["sigpending", 73],
  ["sethostname", 74],
  ["setrlimit", 75],
  ["getrlimit", 76],
  ["getrusage", 77],
  ["gettimeofday", 78],
  ["settimeofday", 79],
  ["getgroups", 80],
  ["setgroups", 81],
  ["select", 82],
  ["symlink", 83],
  ["oldlstat", 84],
  ["readlink", 85],
  ["uselib", 86],
  ["swapon", 87],
  ["reboot", 88],
  ["readdir", 89],
  ["mmap", 90],
  ["munmap", 91],
  ["truncate", 92],
  ["ftruncate", 93],
  ["fchmod", 94],
  ["fchown", 95],
  ["getpriority", 96],
  ["setpriority", 97],
  ["profil", 98],
  ["statfs", 99],
  ["fstatfs", 100],
  ["ioperm", 101],
  ["socketcall", 102],
  ["syslog", 103],
  ["setitimer", 104],
  ["getitimer", 105],
  ["stat", 106],
  ["lstat", 107],
  ["fstat", 108],
  ["olduname", 109],
  ["iopl", 110],
  ["vhangup", 111],
  ["idle", 112],
  ["vm86old", 113],
  ["wait4", 114],
  ["swapoff", 115],
  ["sysinfo", 116],
  ["ipc", 117],
  ["fsync", 118],
  ["sigreturn", 119],
  ["clone", 120],
  ["setdomainname", 121],
  ["uname", 122],
  ["modify_ldt", 123],
  ["adjtimex", 124],
  ["mprotect", 125],
  ["sigprocmask", 126],
  ["create_module", 127],
  ["init_module", 128],
  ["delete_module", 129],
  ["get_kernel_syms", 130],
  ["quotactl", 131],
  ["getpgid", 132],
  ["fchdir", 133],
  ["bdflush", 134],
  ["sysfs", 135],
  ["personality", 136],
  ["afs_syscall", 137],
  ["setfsuid", 138],
  ["setfsgid", 139],
  ["_llseek", 140],
  ["getdents", 141],
  ["_newselect", 142],
  ["flock", 143],
  ["msync", 144],
  ["readv", 145],
  ["writev", 146],
  ["getsid", 147],
  ["fdatasync", 148],
  ["_sysctl", 149],
  ["mlock", 150],
  ["munlock", 151],
  ["mlockall", 152],
  ["munlockall", 153],
  ["sched_setparam", 154],
  ["sched_getparam", 155],
  ["sched_setscheduler", 156],
  ["sched_getscheduler", 157],
  ["sched_yield", 158],
  ["sched_get_priority_max", 159],
  ["sched_get_priority_min", 160],
  ["sched_rr_get_interval", 161],
  ["nanosleep", 162],
  ["mremap", 163],
  ["setresuid", 164],
  ["getresuid", 165],
  ["vm86", 166],
  ["query_module", 167],
  ["poll", 168],
  ["nfsservctl", 169],
  ["setresgid", 170],
  ["getresgid", 171],
  ["prctl", 172],
  ["rt_sigreturn", 173],
  ["rt_sigaction", 174],
  ["rt_sigprocmask", 175],
  ["rt_sigpending", 176],
  ["rt_sigtimedwait", 177],
  ["rt_sigqueueinfo", 178],
  ["rt_sigsuspend", 179],
  ["pread64", 180],
  ["pwrite64", 181],
  ["chown", 182],
  ["getcwd", 183],
  ["capget", 184],
  ["capset", 185],
  ["sigaltstack", 186],
  ["sendfile", 187],
  ["getpmsg", 188],
  ["putpmsg", 189],
  ["vfork", 190],
  ["ugetrlimit", 191],
  ["mmap2", 192],
  ["truncate64", 193],
  ["ftruncate64", 194],
  ["stat64", 195],
  ["lstat64", 196],
  ["fstat64", 197],
  ["lchown32", 198],
  ["getuid32", 199],
  ["getgid32", 200],
  ["geteuid32", 201],
  ["getegid32", 202],
  ["setreuid32", 203],
  ["setregid32", 204],
  ["getgroups32", 205],
  ["setgroups32", 206],
  ["fchown32", 207],
  ["setresuid32", 208],
  ["getresuid32", 209],
  ["setresgid32", 210],
  ["getresgid32", 211],
  ["chown32", 212],
  ["setuid32", 213],
  ["setgid32", 214],
  ["setfsuid32", 215],
  ["setfsgid32", 216],
  ["pivot_root", 217],
  ["mincore", 218],
  ["madvise", 219],
  ["getdents64", 220],
  ["fcntl64", 221],
  ["gettid", 224],
  ["readahead", 225],
  ["setxattr", 226],
  ["lsetxattr", 227],
  ["fsetxattr", 228],
  ["getxattr", 229],
  ["lgetxattr", 230],
  ["fgetxattr", 231],
  ["listxattr", 232],
  ["llistxattr", 233],
  ["flistxattr", 234],
  ["removexattr", 235],
  ["lremovexattr", 236],
  ["fremovexattr", 237],
  ["tkill", 238],
  ["sendfile64", 239],
  ["futex", 240],
  ["sched_setaffinity", 241],
  ["sched_getaffinity", 242],
  ["set_thread_area", 243],
  ["get_thread_area", 244],
  ["io_setup", 245],
  ["io_destroy", 246],
  ["io_getevents", 247],
  ["io_submit", 248],
  ["io_cancel", 249],
  ["fadvise64", 250],
  ["exit_group", 252],
  ["lookup_dcookie", 253],
  ["epoll_create", 254],
  ["epoll_ctl", 255],
  ["epoll_wait", 256],
  ["remap_file_pages", 257],
  ["set_tid_address", 258],
  ["timer_create", 259],
  ["timer_settime", 260],
  ["timer_gettime", 261],
  ["timer_getoverrun", 262],
  ["timer_delete", 263],
  ["clock_settime", 264],
  ["clock_gettime", 265],
  ["clock_getres", 266],
  ["clock_nanosleep", 267],
  ["statfs64", 268],
  ["fstatfs64", 269],
  ["tgkill", 270],
  ["utimes", 271],
  ["fadvise64_64", 272],
  ["vserver", 273],
  ["mbind", 274],
  ["get_mempolicy", 275],
  ["set_mempolicy", 276],
  ["mq_open", 277],
  ["mq_unlink", 278],
  ["mq_timedsend", 279],
  ["mq_timedreceive", 280],
  ["mq_notify", 281],
  ["mq_getsetattr", 282],
  ["kexec_load", 283],
  ["waitid", 284],
  ["add_key", 286],
  ["request_key", 287],
  ["keyctl", 288],
  ["ioprio_set", 289],
  ["ioprio_get", 290],
  ["inotify_init", 291],
  ["inotify_add_watch", 292],
  ["inotify_rm_watch", 293],
  ["migrate_pages", 294],
  ["openat", 295],
  ["mkdirat", 296],
  ["mknodat", 297],
  ["fchownat", 298],
  ["futimesat", 299],
  ["fstatat64", 300],
  ["unlinkat", 301],
  ["renameat", 302],
  ["linkat", 303],
  ["symlinkat", 304],
  ["readlinkat", 305],
  ["fchmodat", 306],
  ["faccessat", 307],
  ["pselect6", 308],
  ["ppoll", 309],
  ["unshare", 310],
  ["set_robust_list", 311],
  ["get_robust_list", 312],
  ["splice", 313],
  ["sync_file_range", 314],
  ["tee", 315],
  ["vmsplice", 316],
  ["move_pages", 317],
  ["getcpu", 318],
  ["epoll_pwait", 319],
  ["utimensat", 320],
  ["signalfd", 321],
  ["timerfd_create", 322],
  ["eventfd", 323],
  ["fallocate", 324],
  ["timerfd_settime", 325],
  ["timerfd_gettime", 326],
  ["signalfd4", 327],
  ["eventfd2", 328],
  ["epoll_create1", 329],
  ["dup3", 330],
  ["pipe2", 331],
  ["inotify_init1", 332],
  ["preadv", 333],
  ["pwritev", 334],
  ["rt_tgsigqueueinfo", 335],
  ["perf_event_open", 336],
  ["recvmmsg", 337],
  ["fanotify_init", 338],
  ["fanotify_mark", 339],
  ["prlimit64", 340],
  ["name_to_handle_at", 341],
  ["open_by_handle_at", 342],
  ["clock_adjtime", 343],
  ["syncfs", 344],
  ["sendmmsg", 345],
  ["setns", 346],
  ["process_vm_readv", 347],
  ["process_vm_writev", 348],
  ["kcmp", 349],
  ["finit_module", 350],
  ["sched_setattr", 351],
  ["sched_getattr", 352],
  ["renameat2", 353],
  ["seccomp", 354],
  ["getrandom", 355],
  ["memfd_create", 356],
  ["bpf", 357],
  ["execveat", 358],
  ["socket", 359],
  ["socketpair", 360],
  ["bind", 361],
  ["connect", 362],
  ["listen", 363],
  ["accept4", 364],
  ["getsockopt", 365],
  ["setsockopt", 366],
  ["getsockname", 367],
  ["getpeername", 368],
  ["sendto", 369],
  ["sendmsg", 370],
  ["recvfrom", 371],
  ["recvmsg", 372],
  ["shutdown", 373],
  ["userfaultfd", 374],
  ["membarrier", 375],
  ["mlock2", 376],
  ["copy_file_range", 377],
  ["preadv2", 378],
  ["pwritev2", 379],
  ["pkey_mprotect", 380],
  ["pkey_alloc", 381],
  ["pkey_free", 382],
  ["statx", 383],
  ["arch_prctl", 384],
  ["io_pgetevents", 385],
  ["rseq", 386],
  ["semget", 393],
  ["semctl", 394],
  ["shmget", 395],
  ["shmctl", 396],
  ["shmat", 397],
  ["shmdt", 398],
  ["msgget", 399],
  ["msgsnd", 400],
  ["msgrcv", 401],
  ["msgctl", 402],
  ["clock_gettime64", 403],
  ["clock_settime64", 404],
  ["clock_adjtime64", 405],
  ["clock_getres_time64", 406],
  ["clock_nanosleep_time64", 407],
  ["timer_gettime64", 408],
  ["timer_settime64", 409],
  ["timerfd_gettime64", 410],
  ["timerfd_settime64", 411],
  ["utimensat_time64", 412],
  ["pselect6_time64", 413],
  ["ppoll_time64", 414],
  ["io_pgetevents_time64", 416],
  ["recvmmsg_time64", 417],
  ["mq_timedsend_time64", 418],
  ["mq_timedreceive_time64", 419],
  ["semtimedop_time64", 420],
  ["rt_sigtimedwait_time64", 421],
  ["futex_time64", 422],
  ["sched_rr_get_interval_time64", 423],
  ["pidfd_send_signal", 424],
  ["io_uring_setup", 425],
  ["io_uring_enter", 426],
  ["io_uring_register", 427],
  ["open_tree", 428],
  ["move_mount", 429],
  ["fsopen", 430],
  ["fsconfig", 431],
  ["fsmount", 432],
  ["fspick", 433],
  ["pidfd_open", 434],
  ["clone3", 435],
  ["close_range", 436],
  ["openat2", 437],
  ["pidfd_getfd", 438],
  ["faccessat2", 439],
  ["process_madvise", 440],
  ["epoll_pwait2", 441],
  ["mount_setattr", 442],
  ["quotactl_fd", 443],
  ["landlock_create_ruleset", 444],
  ["landlock_add_rule", 445],
  ["landlock_restrict_self", 446],
  ["memfd_secret", 447],
  ["process_mrelease", 448],
  ["futex_waitv", 449],
  ["set_mempolicy_home_node", 450],
  ["cachestat", 451],
  ["fchmodat2", 452],
  ["map_shadow_stack", 453],
  ["futex_wake", 454],
  ["futex_wait", 455],
  ["futex_requeue", 456],
  ["statmount", 457],
  ["listmount", 458],
  ["lsm_get_self_attr", 459],
  ["lsm_set_self_attr", 460],
  ["lsm_list_modules", 461],
  ["mseal", 462],
  ["setxattrat", 463],
  ["getxattrat", 464],
  ["listxattrat", 465],
  ["removexattrat", 466],
  ["open_tree_attr", 467],
  ["file_getattr", 468],
  ["file_setattr", 469],
  ["listns", 470],
  ["rseq_slice_yield", 471],
  ["fchroot", 472]
];

// policies/syscall_tables/x32.ts
var SYSCALLS3 = [
  ["read", 1073741824],
  ["write", 1073741825],
  ["open", 1073741826],
  ["close", 1073741827],
  ["stat", 1073741828],
  ["fstat", 1073741829],
  ["lstat", 1073741830],
  ["poll", 1073741831],
  ["lseek", 1073741832],
  ["mmap", 1073741833],
  ["mprotect", 1073741834],
  ["munmap", 1073741835],
  ["brk", 1073741836],
  ["rt_sigprocmask", 1073741838],
  ["pread64", 1073741841],
  ["pwrite64", 1073741842],
  ["access", 1073741845],
  ["pipe", 1073741846],
  ["select", 1073741847],
  ["sched_yield", 1073741848],
  ["mremap", 1073741849],
  ["msync", 1073741850],
  ["mincore", 1073741851],
  ["madvise", 1073741852],
  ["shmget", 1073741853],
  ["shmat", 1073741854],
  ["shmctl", 1073741855],
  ["dup", 1073741856],
  ["dup2", 1073741857],
  ["pause", 1073741858],
  ["nanosleep", 1073741859],
  ["getitimer", 1073741860],
  ["alarm", 1073741861],
  ["setitimer", 1073741862],
  ["getpid", 1073741863],
  ["sendfile", 1073741864],
  ["socket", 1073741865],
  ["connect", 1073741866],
  ["accept", 1073741867],
  ["sendto", 1073741868],
  ["shutdown", 1073741872],
  ["bind", 1073741873],
  ["listen", 1073741874],
  ["getsockname", 1073741875],
  ["getpeername", 1073741876],
  ["socketpair", 1073741877],
  ["clone", 1073741880],
  ["fork", 1073741881],
  ["vfork", 1073741882],
  ["exit", 1073741884],
  ["wait4", 1073741885],
  ["kill", 1073741886],
  ["uname", 1073741887],
  ["semget", 1073741888],
  ["semop", 1073741889],
  ["semctl", 1073741890],
  ["shmdt", 1073741891],
  ["msgget", 1073741892],
  ["msgsnd", 1073741893],
  ["msgrcv", 1073741894],
  ["msgctl", 1073741895],
  ["fcntl", 1073741896],
  ["flock", 1073741897],
  ["fsync", 1073741898],
  ["fdatasync", 1073741899],
  ["truncate", 1073741900],
  ["ftruncate", 1073741901],
  ["getdents", 1073741902],
  ["getcwd", 1073741903],
  ["chdir", 1073741904],
  ["fchdir", 1073741905],
  ["rename", 1073741906],
  ["mkdir", 1073741907],
  ["rmdir", 1073741908],
  ["creat", 1073741909],
  ["link", 1073741910],
  ["unlink", 1073741911],
  ["symlink", 1073741912],
  ["readlink", 1073741913],
  ["chmod", 1073741914],
  ["fchmod", 1073741915],
  ["chown", 1073741916],
  ["fchown", 1073741917],
  ["lchown", 1073741918],
  ["umask", 1073741919],
  ["gettimeofday", 1073741920],
  ["getrlimit", 1073741921],
  ["getrusage", 1073741922],
  ["sysinfo", 1073741923],
  ["times", 1073741924],
  ["getuid", 1073741926],
  ["syslog", 1073741927],
  ["getgid", 1073741928],
  ["setuid", 1073741929],
  ["setgid", 1073741930],
  ["geteuid", 1073741931],
  ["getegid", 1073741932],
  ["setpgid", 1073741933],
  ["getppid", 1073741934],
  ["getpgrp", 1073741935],
  ["setsid", 1073741936],
  ["setreuid", 1073741937],
  ["setregid", 1073741938],
  ["getgroups", 1073741939],
  ["setgroups", 1073741940],
  ["setresuid", 1073741941],
  ["getresuid", 1073741942],
  ["setresgid", 1073741943],
  ["getresgid", 1073741944],
  ["getpgid", 1073741945],
  ["setfsuid", 1073741946],
  ["setfsgid", 1073741947],
  ["getsid", 1073741948],
  ["capget", 1073741949],
  ["capset", 1073741950],
  ["rt_sigsuspend", 1073741954],
  ["utime", 1073741956],
  ["mknod", 1073741957],
  ["personality", 1073741959],
  ["ustat", 1073741960],
  ["statfs", 1073741961],
  ["fstatfs", 1073741962],
  ["sysfs", 1073741963],
  ["getpriority", 1073741964],
  ["setpriority", 1073741965],
  ["sched_setparam", 1073741966],
  ["sched_getparam", 1073741967],
  ["sched_setscheduler", 1073741968],
  ["sched_getscheduler", 1073741969],
  ["sched_get_priority_max", 1073741970],
  ["sched_get_priority_min", 1073741971],
  ["sched_rr_get_interval", 1073741972],
  ["mlock", 1073741973],
  ["munlock", 1073741974],
  ["mlockall", 1073741975],
  ["munlockall", 1073741976],
  ["vhangup", 1073741977],
  ["modify_ldt", 1073741978],
  ["pivot_root", 1073741979],
  ["prctl", 1073741981],
  ["arch_prctl", 1073741982],
  ["adjtimex", 1073741983],
  ["setrlimit", 1073741984],
  ["chroot", 1073741985],
  ["sync", 1073741986],
  ["acct", 1073741987],
  ["settimeofday", 1073741988],
  ["mount", 1073741989],
  ["umount2", 1073741990],
  ["swapon", 1073741991],
  ["swapoff", 1073741992],
  ["reboot", 1073741993],
  ["sethostname", 1073741994],
  ["setdomainname", 1073741995],
  ["iopl", 1073741996],
  ["ioperm", 1073741997],
  ["init_module", 1073741999],
  ["delete_module", 1073742e3],
  ["quotactl", 1073742003],
  ["getpmsg", 1073742005],
  ["putpmsg", 1073742006],
  ["afs_syscall", 1073742007],
  ["tuxcall", 1073742008],
  ["security", 1073742009],
  ["gettid", 1073742010],
  ["readahead", 1073742011],
  ["setxattr", 1073742012],
  ["lsetxattr", 1073742013],
  ["fsetxattr", 1073742014],
  ["getxattr", 1073742015],
  ["lgetxattr", 1073742016],
  ["fgetxattr", 1073742017],
  ["listxattr", 1073742018],
  ["llistxattr", 1073742019],
  ["flistxattr", 1073742020],
  ["removexattr", 1073742021],
  ["lremovexattr", 1073742022],
  ["fremovexattr", 1073742023],
  ["tkill", 1073742024],
  ["time", 1073742025],
  ["futex", 1073742026],
  ["sched_setaffinity", 1073742027],
  ["sched_getaffinity", 1073742028],
  ["io_destroy", 1073742031],
  ["io_getevents", 1073742032],
  ["io_cancel", 1073742034],
  ["lookup_dcookie", 1073742036],
  ["epoll_create", 1073742037],
  ["remap_file_pages", 1073742040],
  ["getdents64", 1073742041],
  ["set_tid_address", 1073742042],
  ["restart_syscall", 1073742043],
  ["semtimedop", 1073742044],
  ["fadvise64", 1073742045],
  ["timer_settime", 1073742047],
  ["timer_gettime", 1073742048],
  ["timer_getoverrun", 1073742049],
  ["timer_delete", 1073742050],
  ["clock_settime", 1073742051],
  ["clock_gettime", 1073742052],
  ["clock_getres", 1073742053],
  ["clock_nanosleep", 1073742054],
  ["exit_group", 1073742055],
  ["epoll_wait", 1073742056],
  ["epoll_ctl", 1073742057],
  ["tgkill", 1073742058],
  ["utimes", 1073742059],
  ["mbind", 1073742061],
  ["set_mempolicy", 1073742062],
  ["get_mempolicy", 1073742063],
  ["mq_open", 1073742064],
  ["mq_unlink", 1073742065],
  ["mq_timedsend", 1073742066],
  ["mq_timedreceive", 1073742067],
  ["mq_getsetattr", 1073742069],
  ["add_key", 1073742072],
  ["request_key", 1073742073],
  ["keyctl", 1073742074],
  ["ioprio_set", 1073742075],
  ["ioprio_get", 1073742076],
  ["inotify_init", 1073742077],
  ["inotify_add_watch", 1073742078],
  ["inotify_rm_watch", 1073742079],
  ["migrate_pages", 1073742080],
  ["openat", 1073742081],
  ["mkdirat", 1073742082],
  ["mknodat", 1073742083],
  ["fchownat", 1073742084],
  ["futimesat", 1073742085],
  ["newfstatat", 1073742086],
  ["unlinkat", 1073742087],
  ["renameat", 1073742088],
  ["linkat", 1073742089],
  ["symlinkat", 1073742090],
  ["readlinkat", 1073742091],
  ["fchmodat", 1073742092],
  ["faccessat", 1073742093],
  ["pselect6", 1073742094],
  ["ppoll", 1073742095],
  ["unshare", 1073742096],
  ["splice", 1073742099],
  ["tee", 1073742100],
  ["sync_file_range", 1073742101],
  ["utimensat", 1073742104],
  ["epoll_pwait", 1073742105],
  ["signalfd", 1073742106],
  ["timerfd_create", 1073742107],
  ["eventfd", 1073742108],
  ["fallocate", 1073742109],
  ["timerfd_settime", 1073742110],
  ["timerfd_gettime", 1073742111],
  ["accept4", 1073742112],
  ["signalfd4", 1073742113],
  ["eventfd2", 1073742114],
  ["epoll_create1", 1073742115],
  ["dup3", 1073742116],
  ["pipe2", 1073742117],
  ["inotify_init1", 1073742118],
  ["perf_event_open", 1073742122],
  ["fanotify_init", 1073742124],
  ["fanotify_mark", 1073742125],
  ["prlimit64", 1073742126],
  ["name_to_handle_at", 1073742127],
  ["open_by_handle_at", 1073742128],
  ["clock_adjtime", 1073742129],
  ["syncfs", 1073742130],
  ["setns", 1073742132],
  ["getcpu", 1073742133],
  ["kcmp", 1073742136],
  ["finit_module", 1073742137],
  ["sched_setattr", 1073742138],
  ["sched_getattr", 1073742139],
  ["renameat2", 1073742140],
  ["seccomp", 1073742141],
  ["getrandom", 1073742142],
  ["memfd_create", 1073742143],
  ["kexec_file_load", 1073742144],
  ["bpf", 1073742145],
  ["userfaultfd", 1073742147],
  ["membarrier", 1073742148],
  ["mlock2", 1073742149],
  ["copy_file_range", 1073742150],
  ["pkey_mprotect", 1073742153],
  ["pkey_alloc", 1073742154],
  ["pkey_free", 1073742155],
  ["statx", 1073742156],
  ["io_pgetevents", 1073742157],
  ["rseq", 1073742158],
  ["uretprobe", 1073742159],
  ["uprobe", 1073742160],
  ["pidfd_send_signal", 1073742248],
  ["io_uring_setup", 1073742249],
  ["io_uring_enter", 1073742250],
  ["io_uring_register", 1073742251],
  ["open_tree", 1073742252],
  ["move_mount", 1073742253],
  ["fsopen", 1073742254],
  ["fsconfig", 1073742255],
  ["fsmount", 1073742256],
  ["fspick", 1073742257],
  ["pidfd_open", 1073742258],
  ["clone3", 1073742259],
  ["close_range", 1073742260],
  ["openat2", 1073742261],
  ["pidfd_getfd", 1073742262],
  ["faccessat2", 1073742263],
  ["process_madvise", 1073742264],
  ["epoll_pwait2", 1073742265],
  ["mount_setattr", 1073742266],
  ["quotactl_fd", 1073742267],
  ["landlock_create_ruleset", 1073742268],
  ["landlock_add_rule", 1073742269],
  ["landlock_restrict_self", 1073742270],
  ["memfd_secret", 1073742271],
  ["process_mrelease", 1073742272],
  ["futex_waitv", 1073742273],
  ["set_mempolicy_home_node", 1073742274],
  ["cachestat", 1073742275],
  ["fchmodat2", 1073742276],
  ["map_shadow_stack", 1073742277],
  ["futex_wake", 1073742278],
  ["futex_wait", 1073742279],
  ["futex_requeue", 1073742280],
  ["statmount", 1073742281],
  ["listmount", 1073742282],
  ["lsm_get_self_attr", 1073742283],
  ["lsm_set_self_attr", 1073742284],
  ["lsm_list_modules", 1073742285],
  ["mseal", 1073742286],
  ["setxattrat", 1073742287],
  ["getxattrat", 1073742288],
  ["listxattrat", 1073742289],
  ["removexattrat", 1073742290],
  ["open_tree_attr", 1073742291],
  ["file_getattr", 1073742292],
  ["file_setattr", 1073742293],
  ["listns", 1073742294],
  ["rseq_slice_yield", 1073742295],
  ["fchroot", 1073742296],
  ["rt_sigaction", 1073742336],
  ["rt_sigreturn", 1073742337],
  ["ioctl", 1073742338],
  ["readv", 1073742339],
  ["writev", 1073742340],
  ["recvfrom", 1073742341],
  ["sendmsg", 1073742342],
  ["recvmsg", 1073742343],
  ["execve", 1073742344],
  ["ptrace", 1073742345],
  ["rt_sigpending", 1073742346],
  ["rt_sigtimedwait", 1073742347],
  ["rt_sigqueueinfo", 1073742348],
  ["sigaltstack", 1073742349],
  ["timer_create", 1073742350],
  ["mq_notify", 1073742351],
  ["kexec_load", 1073742352],
  ["waitid", 1073742353],
  ["set_robust_list", 1073742354],
  ["get_robust_list", 1073742355],
  ["vmsplice", 1073742356],
  ["move_pages", 1073742357],
  ["preadv", 1073742358],
  ["pwritev", 1073742359],
  ["rt_tgsigqueueinfo", 1073742360],
  ["recvmmsg", 1073742361],
  ["sendmmsg", 1073742362],
  ["process_vm_readv", 1073742363],
  ["process_vm_writev", 1073742364],
  ["setsockopt", 1073742365],
  ["getsockopt", 1073742366],
  ["io_setup", 1073742367],
  ["io_submit", 1073742368],
  ["execveat", 1073742369],
  ["preadv2", 1073742370],
  ["pwritev2", 1073742371]
];

// policies/syscall_tables/aarch64.ts
var SYSCALLS4 = [
  ["io_setup", 0],
  ["io_destroy", 1],
  ["io_submit", 2],
  ["io_cancel", 3],
  ["io_getevents", 4],
  ["setxattr", 5],
  ["lsetxattr", 6],
  ["fsetxattr", 7],
  ["getxattr", 8],
  ["lgetxattr", 9],
  ["fgetxattr", 10],
  ["listxattr", 11],
  ["llistxattr", 12],
  ["flistxattr", 13],
  ["removexattr", 14],
  ["lremovexattr", 15],
  ["fremovexattr", 16],
  ["getcwd", 17],
  ["lookup_dcookie", 18],
  ["eventfd2", 19],
  ["epoll_create1", 20],
  ["epoll_ctl", 21],
  ["epoll_pwait", 22],
  ["dup", 23],
  ["dup3", 24],
  ["fcntl", 25],
  ["inotify_init1", 26],
  ["inotify_add_watch", 27],
  ["inotify_rm_watch", 28],
  ["ioctl", 29],
  ["ioprio_set", 30],
  ["ioprio_get", 31],
  ["flock", 32],
  ["mknodat", 33],
  ["mkdirat", 34],
  ["unlinkat", 35],
  ["symlinkat", 36],
  ["linkat", 37],
  ["renameat", 38],
  ["umount2", 39],
  ["mount", 40],
  ["pivot_root", 41],
  ["nfsservctl", 42],
  ["statfs", 43],
  ["fstatfs", 44],
  ["truncate", 45],
  ["ftruncate", 46],
  ["fallocate", 47],
  ["faccessat", 48],
  ["chdir", 49],
  ["fchdir", 50],
  ["chroot", 51],
  ["fchmod", 52],
  ["fchmodat", 53],
  ["fchownat", 54],
  ["fchown", 55],
  ["openat", 56],
  ["close", 57],
  ["vhangup", 58],
  ["pipe2", 59],
  ["quotactl", 60],
  ["getdents64", 61],
  ["lseek", 62],
  ["read", 63],
  ["write", 64],
  ["readv", 65],
  ["writev", 66],
  ["pread64", 67],
  ["pwrite64", 68],
  ["preadv", 69],
  ["pwritev", 70],
  ["sendfile", 71],
  ["pselect6", 72],
  ["ppoll", 73],
  ["signalfd4", 74],
  ["vmsplice", 75],
  ["splice", 76],
  ["tee", 77],
  ["readlinkat", 78],
  ["newfstatat", 79],
  ["fstat", 80],
  ["sync", 81],
  ["fsync", 82],
  ["fdatasync", 83],
  ["sync_file_range", 84],
  ["timerfd_create", 85],
  ["timerfd_settime", 86],
  ["timerfd_gettime", 87],
  ["utimensat", 88],
  ["acct", 89],
  ["capget", 90],
  ["capset", 91],
  ["personality", 92],
  ["exit", 93],
  ["exit_group", 94],
  ["waitid", 95],
  ["set_tid_address", 96],
  ["unshare", 97],
  ["futex", 98],
  ["set_robust_list", 99],
  ["get_robust_list", 100],
  ["nanosleep", 101],
  ["getitimer", 102],
  ["setitimer", 103],
  ["kexec_load", 104],
  ["init_module", 105],
  ["delete_module", 106],
  ["timer_create", 107],
  ["timer_gettime", 108],
  ["timer_getoverrun", 109],
  ["timer_settime", 110],
  ["timer_delete", 111],
  ["clock_settime", 112],
  ["clock_gettime", 113],
  ["clock_getres", 114],
  ["clock_nanosleep", 115],
  ["syslog", 116],
  ["ptrace", 117],
  ["sched_setparam", 118],
  ["sched_setscheduler", 119],
  ["sched_getscheduler", 120],
  ["sched_getparam", 121],
  ["sched_setaffinity", 122],
  ["sched_getaffinity", 123],
  ["sched_yield", 124],
  ["sched_get_priority_max", 125],
  ["sched_get_priority_min", 126],
  ["sched_rr_get_interval", 127],
  ["restart_syscall", 128],
  ["kill", 129],
  ["tkill", 130],
  ["tgkill", 131],
  ["sigaltstack", 132],
  ["rt_sigsuspend", 133],
  ["rt_sigaction", 134],
  ["rt_sigprocmask", 135],
  ["rt_sigpending", 136],
  ["rt_sigtimedwait", 137],
  ["rt_sigqueueinfo", 138],
  ["rt_sigreturn", 139],
  ["setpriority", 140],
  ["getpriority", 141],
  ["reboot", 142],
  ["setregid", 143],
  ["setgid", 144],
  ["setreuid", 145],
  ["setuid", 146],
  ["setresuid", 147],
  ["getresuid", 148],
  ["setresgid", 149],
  ["getresgid", 150],
  ["setfsuid", 151],
  ["setfsgid", 152],
  ["times", 153],
  ["setpgid", 154],
  ["getpgid", 155],
  ["getsid", 156],
  ["setsid", 157],
  ["getgroups", 158],
  ["setgroups", 159],
  ["uname", 160],
  ["sethostname", 161],
  ["setdomainname", 162],
  ["getrlimit", 163],
  ["setrlimit", 164],
  ["getrusage", 165],
  ["umask", 166],
  ["prctl", 167],
  ["getcpu", 168],
  ["gettimeofday", 169],
  ["settimeofday", 170],
  ["adjtimex", 171],
  ["getpid", 172],
  ["getppid", 173],
  ["getuid", 174],
  ["geteuid", 175],
  ["getgid", 176],
  ["getegid", 177],
  ["gettid", 178],
  ["sysinfo", 179],
  ["mq_open", 180],
  ["mq_unlink", 181],
  ["mq_timedsend", 182],
  ["mq_timedreceive", 183],
  ["mq_notify", 184],
  ["mq_getsetattr", 185],
  ["msgget", 186],
  ["msgctl", 187],
  ["msgrcv", 188],
  ["msgsnd", 189],
  ["semget", 190],
  ["semctl", 191],
  ["semtimedop", 192],
  ["semop", 193],
  ["shmget", 194],
  ["shmctl", 195],
  ["shmat", 196],
  ["shmdt", 197],
  ["socket", 198],
  ["socketpair", 199],
  ["bind", 200],
  ["listen", 201],
  ["accept", 202],
  ["connect", 203],
  ["getsockname", 204],
  ["getpeername", 205],
  ["sendto", 206],
  ["recvfrom", 207],
  ["setsockopt", 208],
  ["getsockopt", 209],
  ["shutdown", 210],
  ["sendmsg", 211],
  ["recvmsg", 212],
  ["readahead", 213],
  ["brk", 214],
  ["munmap", 215],
  ["mremap", 216],
  ["add_key", 217],
  ["request_key", 218],
  ["keyctl", 219],
  ["clone", 220],
  ["execve", 221],
  ["mmap", 222],
  ["fadvise64", 223],
  ["swapon", 224],
  ["swapoff", 225],
  ["mprotect", 226],
  ["msync", 227],
  ["mlock", 228],
  ["munlock", 229],
  ["mlockall", 230],
  ["munlockall", 231],
  ["mincore", 232],
  ["madvise", 233],
  ["remap_file_pages", 234],
  ["mbind", 235],
  ["get_mempolicy", 236],
  ["set_mempolicy", 237],
  ["migrate_pages", 238],
  ["move_pages", 239],
  ["rt_tgsigqueueinfo", 240],
  ["perf_event_open", 241],
  ["accept4", 242],
  ["recvmmsg", 243],
  ["wait4", 260],
  ["prlimit64", 261],
  ["fanotify_init", 262],
  ["fanotify_mark", 263],
  ["name_to_handle_at", 264],
  ["open_by_handle_at", 265],
  ["clock_adjtime", 266],
  ["syncfs", 267],
  ["setns", 268],
  ["sendmmsg", 269],
  ["process_vm_readv", 270],
  ["process_vm_writev", 271],
  ["kcmp", 272],
  ["finit_module", 273],
  ["sched_setattr", 274],
  ["sched_getattr", 275],
  ["renameat2", 276],
  ["seccomp", 277],
  ["getrandom", 278],
  ["memfd_create", 279],
  ["bpf", 280],
  ["execveat", 281],
  ["userfaultfd", 282],
  ["membarrier", 283],
  ["mlock2", 284],
  ["copy_file_range", 285],
  ["preadv2", 286],
  ["pwritev2", 287],
  ["pkey_mprotect", 288],
  ["pkey_alloc", 289],
  ["pkey_free", 290],
  ["statx", 291],
  ["io_pgetevents", 292],
  ["rseq", 293],
  ["kexec_file_load", 294],
  ["pidfd_send_signal", 424],
  ["io_uring_setup", 425],
  ["io_uring_enter", 426],
  ["io_uring_register", 427],
  ["open_tree", 428],
  ["move_mount", 429],
  ["fsopen", 430],
  ["fsconfig", 431],
  ["fsmount", 432],
  ["fspick", 433],
  ["pidfd_open", 434],
  ["clone3", 435],
  ["close_range", 436],
  ["openat2", 437],
  ["pidfd_getfd", 438],
  ["faccessat2", 439],
  ["process_madvise", 440],
  ["epoll_pwait2", 441],
  ["mount_setattr", 442],
  ["quotactl_fd", 443],
  ["landlock_create_ruleset", 444],
  ["landlock_add_rule", 445],
  ["landlock_restrict_self", 446],
  ["memfd_secret", 447],
  ["process_mrelease", 448],
  ["futex_waitv", 449],
  ["set_mempolicy_home_node", 450],
  ["cachestat", 451],
  ["fchmodat2", 452],
  ["map_shadow_stack", 453],
  ["futex_wake", 454],
  ["futex_wait", 455],
  ["futex_requeue", 456],
  ["statmount", 457],
  ["listmount", 458],
  ["lsm_get_self_attr", 459],
  ["lsm_set_self_attr", 460],
  ["lsm_list_modules", 461],
  ["mseal", 462],
  ["setxattrat", 463],
  ["getxattrat", 464],
  ["listxattrat", 465],
  ["removexattrat", 466],
  ["open_tree_attr", 467],
  ["file_getattr", 468],
  ["file_setattr", 469],
  ["listns", 470],
  ["rseq_slice_yield", 471],
  ["fchroot", 472]
];

// policies/syscall_args.ts
var SYSCALL_ARGS = {
  accept: ["int fd", "struct sockaddr * upeer_sockaddr", "int * upeer_addrlen"],
  accept4: ["int fd", "struct sockaddr * upeer_sockaddr", "int * upeer_addrlen", "int flags"],
  access: ["const char * filename", "int mode"],
  acct: ["const char * name"],
  add_key: [
    "const char * _type",
    "const char * _description",
    "const void * _payload",
    "size_t plen",
    "key_serial_t ringid"
  ],
  adjtimex: ["struct __kernel_timex * txc_p"],
  alarm: ["unsigned int seconds"],
  arch_prctl: ["int option", "unsigned long arg2"],
  bind: ["int fd", "struct sockaddr * umyaddr", "int addrlen"],
  bpf: ["int cmd", "union bpf_attr * uattr", "unsigned int size"],
  brk: ["unsigned long brk"],
  cachestat: [
    "unsigned int fd",
    "struct cachestat_range * cstat_range",
    "struct cachestat * cstat",
    "unsigned int flags"
  ],
  capget: ["cap_user_header_t header", "cap_user_data_t dataptr"],
  capset: ["cap_user_header_t header", "const cap_user_data_t data"],
  chdir: ["const char * filename"],
  chmod: ["const char * filename", "umode_t mode"],
  chown: ["const char * filename", "uid_t user", "gid_t group"],
  chown32: ["const char * filename", "uid_t user", "gid_t group"],
  chroot: ["const char * filename"],
  clock_adjtime: ["const clockid_t which_clock", "struct __kernel_timex * utx"],
  clock_adjtime64: ["const clockid_t which_clock", "struct __kernel_timex * utx"],
  clock_getres: ["const clockid_t which_clock", "struct __kernel_timespec * tp"],
  clock_getres_time64: ["const clockid_t which_clock", "struct __kernel_timespec * tp"],
  clock_gettime: ["const clockid_t which_clock", "struct __kernel_timespec * tp"],
  clock_gettime64: ["const clockid_t which_clock", "struct __kernel_timespec * tp"],
  clock_nanosleep: [
    "const clockid_t which_clock",
    "int flags",
    "const struct __kernel_timespec * rqtp",
    "struct __kernel_timespec * rmtp"
  ],
  clock_nanosleep_time64: [
    "const clockid_t which_clock",
    "int flags",
    "const struct __kernel_timespec * rqtp",
    "struct __kernel_timespec * rmtp"
  ],
  clock_settime: ["const clockid_t which_clock", "const struct __kernel_timespec * tp"],
  clock_settime64: ["const clockid_t which_clock", "const struct __kernel_timespec * tp"],
  clone: [
    "unsigned long clone_flags",
    "unsigned long newsp",
    "int * parent_tidptr",
    "int * child_tidptr",
    "unsigned long tls"
  ],
  clone3: ["struct clone_args * uargs", "size_t size"],
  close: ["unsigned int fd"],
  close_range: ["unsigned int fd", "unsigned int max_fd", "unsigned int flags"],
  connect: ["int fd", "struct sockaddr * uservaddr", "int addrlen"],
  copy_file_range: [
    "int fd_in",
    "loff_t * off_in",
    "int fd_out",
    "loff_t * off_out",
    "size_t len",
    "unsigned int flags"
  ],
  creat: ["const char * pathname", "umode_t mode"],
  dup: ["unsigned int fildes"],
  dup2: ["unsigned int oldfd", "unsigned int newfd"],
  dup3: ["unsigned int oldfd", "unsigned int newfd", "int flags"],
  epoll_create: ["int size"],
  epoll_create1: ["int flags"],
  epoll_ctl: ["int epfd", "int op", "int fd", "struct epoll_event * event"],
  epoll_pwait: [
    "int epfd",
    "struct epoll_event * events",
    "int maxevents",
    "int timeout",
    "const sigset_t * sigmask",
    "size_t sigsetsize"
  ],
  epoll_pwait2: [
    "int epfd",
    "struct epoll_event * events",
    "int maxevents",
    "const struct __kernel_timespec * timeout",
    "const sigset_t * sigmask",
    "size_t sigsetsize"
  ],
  epoll_wait: ["int epfd", "struct epoll_event * events", "int maxevents", "int timeout"],
  eventfd: ["unsigned int count"],
  eventfd2: ["unsigned int count", "int flags"],
  execve: ["const char * filename", "const char *const * argv", "const char *const * envp"],
  execveat: [
    "int fd",
    "const char * filename",
    "const char *const * argv",
    "const char *const * envp",
    "int flags"
  ],
  exit: ["int error_code"],
  exit_group: ["int error_code"],
  faccessat: ["int dfd", "const char * filename", "int mode"],
  faccessat2: ["int dfd", "const char * filename", "int mode", "int flags"],
  fadvise64: ["int fd", "loff_t offset", "size_t len", "int advice"],
  fallocate: ["int fd", "int mode", "loff_t offset", "loff_t len"],
  fanotify_init: ["unsigned int flags", "unsigned int event_f_flags"],
  fanotify_mark: [
    "int fanotify_fd",
    "unsigned int flags",
    "__u64 mask",
    "int dfd",
    "const char * pathname"
  ],
  fchdir: ["unsigned int fd"],
  fchmod: ["unsigned int fd", "umode_t mode"],
  fchmodat: ["int dfd", "const char * filename", "umode_t mode"],
  fchmodat2: ["int dfd", "const char * filename", "umode_t mode", "unsigned int flags"],
  fchown: ["unsigned int fd", "uid_t user", "gid_t group"],
  fchown32: ["unsigned int fd", "uid_t user", "gid_t group"],
  fchownat: ["int dfd", "const char * filename", "uid_t user", "gid_t group", "int flag"],
  fcntl: ["unsigned int fd", "unsigned int cmd", "unsigned long arg"],
  fcntl64: ["unsigned int fd", "unsigned int cmd", "unsigned long arg"],
  fdatasync: ["unsigned int fd"],
  fgetxattr: ["int fd", "const char * name", "void * value", "size_t size"],
  file_getattr: [
    "int dfd",
    "const char * filename",
    "struct file_attr * ufattr",
    "size_t usize",
    "unsigned int at_flags"
  ],
  file_setattr: [
    "int dfd",
    "const char * filename",
    "struct file_attr * ufattr",
    "size_t usize",
    "unsigned int at_flags"
  ],
  flistxattr: ["int fd", "char * list", "size_t size"],
  flock: ["unsigned int fd", "unsigned int cmd"],
  fork: [],
  fremovexattr: ["int fd", "const char * name"],
  fsconfig: ["int fd", "unsigned int cmd", "const char * _key", "const void * _value", "int aux"],
  fsetxattr: ["int fd", "const char * name", "const void * value", "size_t size", "int flags"],
  fsmount: ["int fs_fd", "unsigned int flags", "unsigned int attr_flags"],
  fsopen: ["const char * _fs_name", "unsigned int flags"],
  fspick: ["int dfd", "const char * path", "unsigned int flags"],
  fstat: ["unsigned int fd", "struct stat * statbuf"],
  fstatfs: ["unsigned int fd", "struct statfs * buf"],
  fsync: ["unsigned int fd"],
  ftruncate: ["unsigned int fd", "off_t length"],
  futex: [
    "u32 * uaddr",
    "int op",
    "u32 val",
    "const struct __kernel_timespec * utime",
    "u32 * uaddr2",
    "u32 val3"
  ],
  futex_requeue: [
    "struct futex_waitv * waiters",
    "unsigned int flags",
    "int nr_wake",
    "int nr_requeue"
  ],
  futex_time64: [
    "u32 * uaddr",
    "int op",
    "u32 val",
    "const struct __kernel_timespec * utime",
    "u32 * uaddr2",
    "u32 val3"
  ],
  futex_wait: [
    "void * uaddr",
    "unsigned long val",
    "unsigned long mask",
    "unsigned int flags",
    "struct __kernel_timespec * timeout",
    "clockid_t clockid"
  ],
  futex_waitv: [
    "struct futex_waitv * waiters",
    "unsigned int nr_futexes",
    "unsigned int flags",
    "struct __kernel_timespec * timeout",
    "clockid_t clockid"
  ],
  futex_wake: ["void * uaddr", "unsigned long mask", "int nr", "unsigned int flags"],
  futimesat: ["int dfd", "const char * filename", "struct __kernel_old_timeval * utimes"],
  get_mempolicy: [
    "int * policy",
    "unsigned long * nmask",
    "unsigned long maxnode",
    "unsigned long addr",
    "unsigned long flags"
  ],
  get_robust_list: ["int pid", "struct robust_list_head * * head_ptr", "size_t * len_ptr"],
  getcpu: ["unsigned * cpup", "unsigned * nodep", "struct getcpu_cache * unused"],
  getcwd: ["char * buf", "unsigned long size"],
  getdents: ["unsigned int fd", "struct linux_dirent * dirent", "unsigned int count"],
  getdents64: ["unsigned int fd", "struct linux_dirent64 * dirent", "unsigned int count"],
  getegid: [],
  getegid32: [],
  geteuid: [],
  geteuid32: [],
  getgid: [],
  getgid32: [],
  getgroups: ["int gidsetsize", "gid_t * grouplist"],
  getgroups32: ["int gidsetsize", "gid_t * grouplist"],
  getitimer: ["int which", "struct __kernel_old_itimerval * value"],
  getpeername: ["int fd", "struct sockaddr * usockaddr", "int * usockaddr_len"],
  getpgid: ["pid_t pid"],
  getpgrp: [],
  getpid: [],
  getppid: [],
  getpriority: ["int which", "int who"],
  getrandom: ["char * ubuf", "size_t len", "unsigned int flags"],
  getresgid: ["gid_t * rgidp", "gid_t * egidp", "gid_t * sgidp"],
  getresgid32: ["gid_t * rgidp", "gid_t * egidp", "gid_t * sgidp"],
  getresuid: ["uid_t * ruidp", "uid_t * euidp", "uid_t * suidp"],
  getresuid32: ["uid_t * ruidp", "uid_t * euidp", "uid_t * suidp"],
  getrlimit: ["unsigned int resource", "struct rlimit * rlim"],
  getrusage: ["int who", "struct rusage * ru"],
  getsid: ["pid_t pid"],
  getsockname: ["int fd", "struct sockaddr * usockaddr", "int * usockaddr_len"],
  getsockopt: ["int fd", "int level", "int optname", "char * optval", "int * optlen"],
  gettid: [],
  gettimeofday: ["struct __kernel_old_timeval * tv", "struct timezone * tz"],
  getuid: [],
  getuid32: [],
  getxattr: ["const char * pathname", "const char * name", "void * value", "size_t size"],
  getxattrat: [
    "int dfd",
    "const char * pathname",
    "unsigned int at_flags",
    "const char * name",
    "struct xattr_args * uargs",
    "size_t usize"
  ],
  inotify_add_watch: ["int fd", "const char * pathname", "u32 mask"],
  inotify_init: [],
  inotify_init1: ["int flags"],
  inotify_rm_watch: ["int fd", "__s32 wd"],
  io_cancel: ["aio_context_t ctx_id", "struct iocb * iocb", "struct io_event * result"],
  io_destroy: ["aio_context_t ctx"],
  io_getevents: [
    "aio_context_t ctx_id",
    "long min_nr",
    "long nr",
    "struct io_event * events",
    "struct __kernel_timespec * timeout"
  ],
  io_pgetevents: [
    "aio_context_t ctx_id",
    "long min_nr",
    "long nr",
    "struct io_event * events",
    "struct __kernel_timespec * timeout",
    "const struct __aio_sigset * usig"
  ],
  io_pgetevents_time64: [
    "aio_context_t ctx_id",
    "long min_nr",
    "long nr",
    "struct io_event * events",
    "struct __kernel_timespec * timeout",
    "const struct __aio_sigset * usig"
  ],
  io_setup: ["unsigned nr_events", "aio_context_t * ctxp"],
  io_submit: ["aio_context_t ctx_id", "long nr", "struct iocb * * iocbpp"],
  io_uring_enter: [
    "unsigned int fd",
    "u32 to_submit",
    "u32 min_complete",
    "u32 flags",
    "const void * argp",
    "size_t argsz"
  ],
  io_uring_register: [
    "unsigned int fd",
    "unsigned int opcode",
    "void * arg",
    "unsigned int nr_args"
  ],
  io_uring_setup: ["u32 entries", "struct io_uring_params * params"],
  ioctl: ["unsigned int fd", "unsigned int cmd", "unsigned long arg"],
  ioperm: ["unsigned long from", "unsigned long num", "int turn_on"],
  iopl: ["unsigned int level"],
  ioprio_get: ["int which", "int who"],
  ioprio_set: ["int which", "int who", "int ioprio"],
  kcmp: ["pid_t pid1", "pid_t pid2", "int type", "unsigned long idx1", "unsigned long idx2"],
  keyctl: [
    "int option",
    "unsigned long arg2",
    "unsigned long arg3",
    "unsigned long arg4",
    "unsigned long arg5"
  ],
  kill: ["pid_t pid", "int sig"],
  landlock_add_rule: [
    "const int ruleset_fd",
    "const enum landlock_rule_type rule_type",
    "const void *const rule_attr",
    "const __u32 flags"
  ],
  landlock_create_ruleset: [
    "const struct landlock_ruleset_attr *const attr",
    "const size_t size",
    "const __u32 flags"
  ],
  landlock_restrict_self: ["const int ruleset_fd", "const __u32 flags"],
  lchown: ["const char * filename", "uid_t user", "gid_t group"],
  lchown32: ["const char * filename", "uid_t user", "gid_t group"],
  lgetxattr: ["const char * pathname", "const char * name", "void * value", "size_t size"],
  link: ["const char * oldname", "const char * newname"],
  linkat: ["int olddfd", "const char * oldname", "int newdfd", "const char * newname", "int flags"],
  listen: ["int fd", "int backlog"],
  listmount: [
    "const struct mnt_id_req * req",
    "u64 * mnt_ids",
    "size_t nr_mnt_ids",
    "unsigned int flags"
  ],
  listxattr: ["const char * pathname", "char * list", "size_t size"],
  listxattrat: [
    "int dfd",
    "const char * pathname",
    "unsigned int at_flags",
    "char * list",
    "size_t size"
  ],
  llistxattr: ["const char * pathname", "char * list", "size_t size"],
  lremovexattr: ["const char * pathname", "const char * name"],
  lseek: ["unsigned int fd", "off_t offset", "unsigned int whence"],
  lsetxattr: [
    "const char * pathname",
    "const char * name",
    "const void * value",
    "size_t size",
    "int flags"
  ],
  lsm_get_self_attr: ["unsigned int attr", "struct lsm_ctx * ctx", "u32 * size", "u32 flags"],
  lsm_list_modules: ["u64 * ids", "u32 * size", "u32 flags"],
  lsm_set_self_attr: ["unsigned int attr", "struct lsm_ctx * ctx", "u32 size", "u32 flags"],
  lstat: ["const char * filename", "struct stat * statbuf"],
  madvise: ["unsigned long start", "size_t len_in", "int behavior"],
  mbind: [
    "unsigned long start",
    "unsigned long len",
    "unsigned long mode",
    "const unsigned long * nmask",
    "unsigned long maxnode",
    "unsigned int flags"
  ],
  membarrier: ["int cmd", "unsigned int flags", "int cpu_id"],
  memfd_create: ["const char * uname", "unsigned int flags"],
  memfd_secret: ["unsigned int flags"],
  migrate_pages: [
    "pid_t pid",
    "unsigned long maxnode",
    "const unsigned long * old_nodes",
    "const unsigned long * new_nodes"
  ],
  mincore: ["unsigned long start", "size_t len", "unsigned char * vec"],
  mkdir: ["const char * pathname", "umode_t mode"],
  mkdirat: ["int dfd", "const char * pathname", "umode_t mode"],
  mknod: ["const char * filename", "umode_t mode", "unsigned dev"],
  mknodat: ["int dfd", "const char * filename", "umode_t mode", "unsigned int dev"],
  mlock: ["unsigned long start", "size_t len"],
  mlock2: ["unsigned long start", "size_t len", "int flags"],
  mlockall: ["int flags"],
  mmap: [
    "unsigned long addr",
    "unsigned long len",
    "unsigned long prot",
    "unsigned long flags",
    "unsigned long fd",
    "unsigned long off"
  ],
  modify_ldt: ["int func", "void * ptr", "unsigned long bytecount"],
  mount: [
    "char * dev_name",
    "char * dir_name",
    "char * type",
    "unsigned long flags",
    "void * data"
  ],
  mount_setattr: [
    "int dfd",
    "const char * path",
    "unsigned int flags",
    "struct mount_attr * uattr",
    "size_t usize"
  ],
  move_mount: [
    "int from_dfd",
    "const char * from_pathname",
    "int to_dfd",
    "const char * to_pathname",
    "unsigned int flags"
  ],
  move_pages: [
    "pid_t pid",
    "unsigned long nr_pages",
    "const void * * pages",
    "const int * nodes",
    "int * status",
    "int flags"
  ],
  mprotect: ["unsigned long start", "size_t len", "unsigned long prot"],
  mq_getsetattr: ["mqd_t mqdes", "const struct mq_attr * u_mqstat", "struct mq_attr * u_omqstat"],
  mq_notify: ["mqd_t mqdes", "const struct sigevent * u_notification"],
  mq_open: ["const char * u_name", "int oflag", "umode_t mode", "struct mq_attr * u_attr"],
  mq_timedreceive: [
    "mqd_t mqdes",
    "char * u_msg_ptr",
    "size_t msg_len",
    "unsigned int * u_msg_prio",
    "const struct __kernel_timespec * u_abs_timeout"
  ],
  mq_timedreceive_time64: [
    "mqd_t mqdes",
    "char * u_msg_ptr",
    "size_t msg_len",
    "unsigned int * u_msg_prio",
    "const struct __kernel_timespec * u_abs_timeout"
  ],
  mq_timedsend: [
    "mqd_t mqdes",
    "const char * u_msg_ptr",
    "size_t msg_len",
    "unsigned int msg_prio",
    "const struct __kernel_timespec * u_abs_timeout"
  ],
  mq_timedsend_time64: [
    "mqd_t mqdes",
    "const char * u_msg_ptr",
    "size_t msg_len",
    "unsigned int msg_prio",
    "const struct __kernel_timespec * u_abs_timeout"
  ],
  mq_unlink: ["const char * u_name"],
  mremap: [
    "unsigned long addr",
    "unsigned long old_len",
    "unsigned long new_len",
    "unsigned long flags",
    "unsigned long new_addr"
  ],
  mseal: ["unsigned long start", "size_t len", "unsigned long flags"],
  msgctl: ["int msqid", "int cmd", "struct msqid_ds * buf"],
  msgget: ["key_t key", "int msgflg"],
  msgrcv: ["int msqid", "struct msgbuf * msgp", "size_t msgsz", "long msgtyp", "int msgflg"],
  msgsnd: ["int msqid", "struct msgbuf * msgp", "size_t msgsz", "int msgflg"],
  msync: ["unsigned long start", "size_t len", "int flags"],
  munlock: ["unsigned long start", "size_t len"],
  munlockall: [],
  munmap: ["unsigned long addr", "size_t len"],
  name_to_handle_at: [
    "int dfd",
    "const char * name",
    "struct file_handle * handle",
    "void * mnt_id",
    "int flag"
  ],
  nanosleep: ["struct __kernel_timespec * rqtp", "struct __kernel_timespec * rmtp"],
  newfstatat: ["int dfd", "const char * filename", "struct stat * statbuf", "int flag"],
  open: ["const char * filename", "int flags", "umode_t mode"],
  open_by_handle_at: ["int mountdirfd", "struct file_handle * handle", "int flags"],
  open_tree: ["int dfd", "const char * filename", "unsigned flags"],
  open_tree_attr: [
    "int dfd",
    "const char * filename",
    "unsigned flags",
    "struct mount_attr * uattr",
    "size_t usize"
  ],
  openat: ["int dfd", "const char * filename", "int flags", "umode_t mode"],
  openat2: ["int dfd", "const char * filename", "struct open_how * how", "size_t usize"],
  pause: [],
  perf_event_open: [
    "struct perf_event_attr * attr_uptr",
    "pid_t pid",
    "int cpu",
    "int group_fd",
    "unsigned long flags"
  ],
  personality: ["unsigned int personality"],
  pidfd_getfd: ["int pidfd", "int fd", "unsigned int flags"],
  pidfd_open: ["pid_t pid", "unsigned int flags"],
  pidfd_send_signal: ["int pidfd", "int sig", "siginfo_t * info", "unsigned int flags"],
  pipe: ["int * fildes"],
  pipe2: ["int * fildes", "int flags"],
  pivot_root: ["const char * new_root", "const char * put_old"],
  pkey_alloc: ["unsigned long flags", "unsigned long init_val"],
  pkey_free: ["int pkey"],
  pkey_mprotect: ["unsigned long start", "size_t len", "unsigned long prot", "int pkey"],
  poll: ["struct pollfd * ufds", "unsigned int nfds", "int timeout_msecs"],
  ppoll: [
    "struct pollfd * ufds",
    "unsigned int nfds",
    "struct __kernel_timespec * tsp",
    "const sigset_t * sigmask",
    "size_t sigsetsize"
  ],
  ppoll_time64: [
    "struct pollfd * ufds",
    "unsigned int nfds",
    "struct __kernel_timespec * tsp",
    "const sigset_t * sigmask",
    "size_t sigsetsize"
  ],
  prctl: [
    "int option",
    "unsigned long arg2",
    "unsigned long arg3",
    "unsigned long arg4",
    "unsigned long arg5"
  ],
  pread64: ["unsigned int fd", "char * buf", "size_t count", "loff_t pos"],
  preadv: [
    "unsigned long fd",
    "const struct iovec * vec",
    "unsigned long vlen",
    "unsigned long pos_l",
    "unsigned long pos_h"
  ],
  preadv2: [
    "unsigned long fd",
    "const struct iovec * vec",
    "unsigned long vlen",
    "unsigned long pos_l",
    "unsigned long pos_h",
    "rwf_t flags"
  ],
  prlimit64: [
    "pid_t pid",
    "unsigned int resource",
    "const struct rlimit64 * new_rlim",
    "struct rlimit64 * old_rlim"
  ],
  process_madvise: [
    "int pidfd",
    "const struct iovec * vec",
    "size_t vlen",
    "int behavior",
    "unsigned int flags"
  ],
  process_mrelease: ["int pidfd", "unsigned int flags"],
  process_vm_readv: [
    "pid_t pid",
    "const struct iovec * lvec",
    "unsigned long liovcnt",
    "const struct iovec * rvec",
    "unsigned long riovcnt",
    "unsigned long flags"
  ],
  process_vm_writev: [
    "pid_t pid",
    "const struct iovec * lvec",
    "unsigned long liovcnt",
    "const struct iovec * rvec",
    "unsigned long riovcnt",
    "unsigned long flags"
  ],
  pselect6: [
    "int n",
    "fd_set * inp",
    "fd_set * outp",
    "fd_set * exp",
    "struct __kernel_timespec * tsp",
    "void * sig"
  ],
  pselect6_time64: [
    "int n",
    "fd_set * inp",
    "fd_set * outp",
    "fd_set * exp",
    "struct __kernel_timespec * tsp",
    "void * sig"
  ],
  ptrace: ["long request", "long pid", "unsigned long addr", "unsigned long data"],
  pwrite64: ["unsigned int fd", "const char * buf", "size_t count", "loff_t pos"],
  pwritev: [
    "unsigned long fd",
    "const struct iovec * vec",
    "unsigned long vlen",
    "unsigned long pos_l",
    "unsigned long pos_h"
  ],
  pwritev2: [
    "unsigned long fd",
    "const struct iovec * vec",
    "unsigned long vlen",
    "unsigned long pos_l",
    "unsigned long pos_h",
    "rwf_t flags"
  ],
  quotactl: ["unsigned int cmd", "const char * special", "qid_t id", "void * addr"],
  quotactl_fd: ["unsigned int fd", "unsigned int cmd", "qid_t id", "void * addr"],
  read: ["unsigned int fd", "char * buf", "size_t count"],
  readahead: ["int fd", "loff_t offset", "size_t count"],
  readlink: ["const char * path", "char * buf", "int bufsiz"],
  readlinkat: ["int dfd", "const char * pathname", "char * buf", "int bufsiz"],
  readv: ["unsigned long fd", "const struct iovec * vec", "unsigned long vlen"],
  reboot: ["int magic1", "int magic2", "unsigned int cmd", "void * arg"],
  recvfrom: [
    "int fd",
    "void * ubuf",
    "size_t size",
    "unsigned int flags",
    "struct sockaddr * addr",
    "int * addr_len"
  ],
  recvmmsg: [
    "int fd",
    "struct mmsghdr * mmsg",
    "unsigned int vlen",
    "unsigned int flags",
    "struct __kernel_timespec * timeout"
  ],
  recvmmsg_time64: [
    "int fd",
    "struct mmsghdr * mmsg",
    "unsigned int vlen",
    "unsigned int flags",
    "struct __kernel_timespec * timeout"
  ],
  recvmsg: ["int fd", "struct user_msghdr * msg", "unsigned int flags"],
  remap_file_pages: [
    "unsigned long start",
    "unsigned long size",
    "unsigned long prot",
    "unsigned long pgoff",
    "unsigned long flags"
  ],
  removexattr: ["const char * pathname", "const char * name"],
  removexattrat: ["int dfd", "const char * pathname", "unsigned int at_flags", "const char * name"],
  rename: ["const char * oldname", "const char * newname"],
  renameat: ["int olddfd", "const char * oldname", "int newdfd", "const char * newname"],
  renameat2: [
    "int olddfd",
    "const char * oldname",
    "int newdfd",
    "const char * newname",
    "unsigned int flags"
  ],
  request_key: [
    "const char * _type",
    "const char * _description",
    "const char * _callout_info",
    "key_serial_t destringid"
  ],
  restart_syscall: [],
  rmdir: ["const char * pathname"],
  rseq: ["struct rseq * rseq", "u32 rseq_len", "int flags", "u32 sig"],
  rt_sigaction: [
    "int sig",
    "const struct sigaction * act",
    "struct sigaction * oact",
    "size_t sigsetsize"
  ],
  rt_sigpending: ["sigset_t * uset", "size_t sigsetsize"],
  rt_sigprocmask: ["int how", "sigset_t * nset", "sigset_t * oset", "size_t sigsetsize"],
  rt_sigqueueinfo: ["pid_t pid", "int sig", "siginfo_t * uinfo"],
  rt_sigreturn: [],
  rt_sigsuspend: ["sigset_t * unewset", "size_t sigsetsize"],
  rt_sigtimedwait: [
    "const sigset_t * uthese",
    "siginfo_t * uinfo",
    "const struct __kernel_timespec * uts",
    "size_t sigsetsize"
  ],
  rt_sigtimedwait_time64: [
    "const sigset_t * uthese",
    "siginfo_t * uinfo",
    "const struct __kernel_timespec * uts",
    "size_t sigsetsize"
  ],
  rt_tgsigqueueinfo: ["pid_t tgid", "pid_t pid", "int sig", "siginfo_t * uinfo"],
  sched_get_priority_max: ["int policy"],
  sched_get_priority_min: ["int policy"],
  sched_getaffinity: ["pid_t pid", "unsigned int len", "unsigned long * user_mask_ptr"],
  sched_getattr: [
    "pid_t pid",
    "struct sched_attr * uattr",
    "unsigned int usize",
    "unsigned int flags"
  ],
  sched_getparam: ["pid_t pid", "struct sched_param * param"],
  sched_getscheduler: ["pid_t pid"],
  sched_rr_get_interval: ["pid_t pid", "struct __kernel_timespec * interval"],
  sched_rr_get_interval_time64: ["pid_t pid", "struct __kernel_timespec * interval"],
  sched_setaffinity: ["pid_t pid", "unsigned int len", "unsigned long * user_mask_ptr"],
  sched_setattr: ["pid_t pid", "struct sched_attr * uattr", "unsigned int flags"],
  sched_setparam: ["pid_t pid", "struct sched_param * param"],
  sched_setscheduler: ["pid_t pid", "int policy", "struct sched_param * param"],
  sched_yield: [],
  seccomp: ["unsigned int op", "unsigned int flags", "void * uargs"],
  select: [
    "int n",
    "fd_set * inp",
    "fd_set * outp",
    "fd_set * exp",
    "struct __kernel_old_timeval * tvp"
  ],
  semctl: ["int semid", "int semnum", "int cmd", "unsigned long arg"],
  semget: ["key_t key", "int nsems", "int semflg"],
  semop: ["int semid", "struct sembuf * tsops", "unsigned nsops"],
  semtimedop: [
    "int semid",
    "struct sembuf * tsops",
    "unsigned int nsops",
    "const struct __kernel_timespec * timeout"
  ],
  semtimedop_time64: [
    "int semid",
    "struct sembuf * tsops",
    "unsigned int nsops",
    "const struct __kernel_timespec * timeout"
  ],
  sendfile: ["int out_fd", "int in_fd", "loff_t * offset", "size_t count"],
  sendfile64: ["int out_fd", "int in_fd", "loff_t * offset", "size_t count"],
  sendmmsg: ["int fd", "struct mmsghdr * mmsg", "unsigned int vlen", "unsigned int flags"],
  sendmsg: ["int fd", "struct user_msghdr * msg", "unsigned int flags"],
  sendto: [
    "int fd",
    "void * buff",
    "size_t len",
    "unsigned int flags",
    "struct sockaddr * addr",
    "int addr_len"
  ],
  set_mempolicy: ["int mode", "const unsigned long * nmask", "unsigned long maxnode"],
  set_mempolicy_home_node: [
    "unsigned long start",
    "unsigned long len",
    "unsigned long home_node",
    "unsigned long flags"
  ],
  set_robust_list: ["struct robust_list_head * head", "size_t len"],
  set_tid_address: ["int * tidptr"],
  setdomainname: ["char * name", "int len"],
  setfsgid: ["gid_t gid"],
  setfsgid32: ["gid_t gid"],
  setfsuid: ["uid_t uid"],
  setfsuid32: ["uid_t uid"],
  setgid: ["gid_t gid"],
  setgid32: ["gid_t gid"],
  setgroups: ["int gidsetsize", "gid_t * grouplist"],
  setgroups32: ["int gidsetsize", "gid_t * grouplist"],
  sethostname: ["char * name", "int len"],
  setitimer: [
    "int which",
    "struct __kernel_old_itimerval * value",
    "struct __kernel_old_itimerval * ovalue"
  ],
  setns: ["int fd", "int flags"],
  setpgid: ["pid_t pid", "pid_t pgid"],
  setpriority: ["int which", "int who", "int niceval"],
  setregid: ["gid_t rgid", "gid_t egid"],
  setregid32: ["gid_t rgid", "gid_t egid"],
  setresgid: ["gid_t rgid", "gid_t egid", "gid_t sgid"],
  setresgid32: ["gid_t rgid", "gid_t egid", "gid_t sgid"],
  setresuid: ["uid_t ruid", "uid_t euid", "uid_t suid"],
  setresuid32: ["uid_t ruid", "uid_t euid", "uid_t suid"],
  setreuid: ["uid_t ruid", "uid_t euid"],
  setreuid32: ["uid_t ruid", "uid_t euid"],
  setrlimit: ["unsigned int resource", "struct rlimit * rlim"],
  setsid: [],
  setsockopt: ["int fd", "int level", "int optname", "char * optval", "int optlen"],
  settimeofday: ["struct __kernel_old_timeval * tv", "struct timezone * tz"],
  setuid: ["uid_t uid"],
  setuid32: ["uid_t uid"],
  setxattr: [
    "const char * pathname",
    "const char * name",
    "const void * value",
    "size_t size",
    "int flags"
  ],
  setxattrat: [
    "int dfd",
    "const char * pathname",
    "unsigned int at_flags",
    "const char * name",
    "const struct xattr_args * uargs",
    "size_t usize"
  ],
  shmat: ["int shmid", "char * shmaddr", "int shmflg"],
  shmctl: ["int shmid", "int cmd", "struct shmid_ds * buf"],
  shmdt: ["char * shmaddr"],
  shmget: ["key_t key", "size_t size", "int shmflg"],
  shutdown: ["int fd", "int how"],
  sigaltstack: ["const stack_t * uss", "stack_t * uoss"],
  signalfd: ["int ufd", "sigset_t * user_mask", "size_t sizemask"],
  signalfd4: ["int ufd", "sigset_t * user_mask", "size_t sizemask", "int flags"],
  socket: ["int family", "int type", "int protocol"],
  socketpair: ["int family", "int type", "int protocol", "int * usockvec"],
  splice: [
    "int fd_in",
    "loff_t * off_in",
    "int fd_out",
    "loff_t * off_out",
    "size_t len",
    "unsigned int flags"
  ],
  stat: ["const char * filename", "struct stat * statbuf"],
  statfs: ["const char * pathname", "struct statfs * buf"],
  statmount: [
    "const struct mnt_id_req * req",
    "struct statmount * buf",
    "size_t bufsize",
    "unsigned int flags"
  ],
  statx: [
    "int dfd",
    "const char * filename",
    "unsigned flags",
    "unsigned int mask",
    "struct statx * buffer"
  ],
  swapoff: ["const char * specialfile"],
  swapon: ["const char * specialfile", "int swap_flags"],
  symlink: ["const char * oldname", "const char * newname"],
  symlinkat: ["const char * oldname", "int newdfd", "const char * newname"],
  sync: [],
  sync_file_range: ["int fd", "loff_t offset", "loff_t nbytes", "unsigned int flags"],
  syncfs: ["int fd"],
  sysfs: ["int option", "unsigned long arg1", "unsigned long arg2"],
  sysinfo: ["struct sysinfo * info"],
  syslog: ["int type", "char * buf", "int len"],
  tee: ["int fdin", "int fdout", "size_t len", "unsigned int flags"],
  tgkill: ["pid_t tgid", "pid_t pid", "int sig"],
  time: ["__kernel_old_time_t * tloc"],
  timer_create: [
    "const clockid_t which_clock",
    "struct sigevent * timer_event_spec",
    "timer_t * created_timer_id"
  ],
  timer_delete: ["timer_t timer_id"],
  timer_getoverrun: ["timer_t timer_id"],
  timer_gettime: ["timer_t timer_id", "struct __kernel_itimerspec * setting"],
  timer_gettime64: ["timer_t timer_id", "struct __kernel_itimerspec * setting"],
  timer_settime: [
    "timer_t timer_id",
    "int flags",
    "const struct __kernel_itimerspec * new_setting",
    "struct __kernel_itimerspec * old_setting"
  ],
  timer_settime64: [
    "timer_t timer_id",
    "int flags",
    "const struct __kernel_itimerspec * new_setting",
    "struct __kernel_itimerspec * old_setting"
  ],
  timerfd_create: ["int clockid", "int flags"],
  timerfd_gettime: ["int ufd", "struct __kernel_itimerspec * otmr"],
  timerfd_gettime64: ["int ufd", "struct __kernel_itimerspec * otmr"],
  timerfd_settime: [
    "int ufd",
    "int flags",
    "const struct __kernel_itimerspec * utmr",
    "struct __kernel_itimerspec * otmr"
  ],
  timerfd_settime64: [
    "int ufd",
    "int flags",
    "const struct __kernel_itimerspec * utmr",
    "struct __kernel_itimerspec * otmr"
  ],
  times: ["struct tms * tbuf"],
  tkill: ["pid_t pid", "int sig"],
  truncate: ["const char * path", "long length"],
  umask: ["int mask"],
  umount: ["char * name", "int flags"],
  umount2: ["char * name", "int flags"],
  uname: ["struct new_utsname * name"],
  unlink: ["const char * pathname"],
  unlinkat: ["int dfd", "const char * pathname", "int flag"],
  unshare: ["unsigned long unshare_flags"],
  uprobe: [],
  uretprobe: [],
  userfaultfd: ["int flags"],
  ustat: ["unsigned dev", "struct ustat * ubuf"],
  utime: ["char * filename", "struct utimbuf * times"],
  utimensat: ["int dfd", "const char * filename", "struct __kernel_timespec * utimes", "int flags"],
  utimensat_time64: [
    "int dfd",
    "const char * filename",
    "struct __kernel_timespec * utimes",
    "int flags"
  ],
  utimes: ["char * filename", "struct __kernel_old_timeval * utimes"],
  vfork: [],
  vhangup: [],
  vmsplice: ["int fd", "const struct iovec * uiov", "unsigned long nr_segs", "unsigned int flags"],
  wait4: ["pid_t upid", "int * stat_addr", "int options", "struct rusage * ru"],
  waitid: [
    "int which",
    "pid_t upid",
    "struct siginfo * infop",
    "int options",
    "struct rusage * ru"
  ],
  write: ["unsigned int fd", "const char * buf", "size_t count"],
  writev: ["unsigned long fd", "const struct iovec * vec", "unsigned long vlen"]
};

// policies/syscall_args_untraced.ts
var UNTRACED_SYSCALL_ARGS = {
  // kernel/module/main.c (CONFIG_MODULES)
  init_module: ["void * umod", "unsigned long len", "const char * uargs"],
  delete_module: ["const char * name_user", "unsigned int flags"],
  finit_module: ["int fd", "const char * uargs", "int flags"],
  // kernel/kexec.c, kernel/kexec_file.c (CONFIG_KEXEC, CONFIG_KEXEC_FILE)
  kexec_load: [
    "unsigned long entry",
    "unsigned long nr_segments",
    "struct kexec_segment * segments",
    "unsigned long flags"
  ],
  kexec_file_load: [
    "int kernel_fd",
    "int initrd_fd",
    "unsigned long cmdline_len",
    "const char * cmdline_ptr",
    "unsigned long flags"
  ],
  // arch/x86/kernel/tls.c (x86: also reachable from 64-bit processes)
  set_thread_area: ["struct user_desc * u_info"],
  get_thread_area: ["struct user_desc * u_info"],
  // mm/shstk.c (CONFIG_X86_USER_SHADOW_STACK), arch/arm64/mm/gcs.c (CONFIG_ARM64_GCS)
  map_shadow_stack: ["unsigned long addr", "unsigned long size", "unsigned int flags"],
  // kernel/nstree.c (Linux 6.19)
  listns: [
    "const struct ns_id_req * req",
    "u64 * ns_ids",
    "size_t nr_ns_ids",
    "unsigned int flags"
  ],
  // kernel/rseq.c (SYSCALL_DEFINE0)
  rseq_slice_yield: []
};

// policies/syscalls.ts
var X32_SYSCALL_BIT = 1073741824;
var AUDIT_ARCH = Object.freeze({
  x86_64: 3221225534,
  i386: 1073741827,
  x32: 3221225534,
  aarch64: 3221225655
});
var SOURCES = {
  x86_64: SYSCALLS,
  i386: SYSCALLS2,
  x32: SYSCALLS3,
  aarch64: SYSCALLS4
};
var tables = /* @__PURE__ */ new Map();
var allNames;
function sourceOf(arch) {
  if (!Object.hasOwn(SOURCES, arch)) {
    throw new TypeError(`Unknown architecture "${String(arch)}"`);
  }
  return SOURCES[arch];
}
function syscallTable(arch) {
  const cached = tables.get(arch);
  if (cached !== void 0) return cached;
  const source = sourceOf(arch);
  const byName = /* @__PURE__ */ new Map();
  const byNumber = /* @__PURE__ */ new Map();
  let maxNr = 0;
  for (const [name, nr] of source) {
    byName.set(name, nr);
    if (!byNumber.has(nr)) byNumber.set(nr, name);
    if (nr > maxNr) maxNr = nr;
  }
  const table = { arch, auditArch: AUDIT_ARCH[arch], byName, byNumber, maxNr };
  tables.set(arch, table);
  return table;
}
function syscallNumber(arch, name) {
  return syscallTable(arch).byName.get(name);
}
function isKnownSyscall(name) {
  if (allNames === void 0) {
    const names3 = /* @__PURE__ */ new Set();
    for (const source of Object.values(SOURCES)) for (const [n] of source) names3.add(n);
    allNames = names3;
  }
  return allNames.has(name);
}
function syscallNames() {
  isKnownSyscall("");
  return [...allNames].sort();
}
var ARCH_ARG_LAYOUTS = {
  // CONFIG_CLONE_BACKWARDS (arm64; x86 32-bit, and compat_sys_ia32_clone): tls before child_tidptr.
  i386: {
    clone: [
      "unsigned long clone_flags",
      "unsigned long newsp",
      "int * parent_tidptr",
      "unsigned long tls",
      "int * child_tidptr"
    ],
    // arch/x86/entry/syscalls/syscall_32.tbl: 90 mmap is sys_old_mmap, 82 select sys_old_select.
    mmap: ["struct mmap_arg_struct * arg"],
    select: ["struct sel_arg_struct * arg"]
  },
  aarch64: {
    clone: [
      "unsigned long clone_flags",
      "unsigned long newsp",
      "int * parent_tidptr",
      "unsigned long tls",
      "int * child_tidptr"
    ]
  }
};
var parsedArgs = /* @__PURE__ */ new Map();
function parseArgs(decls) {
  let args = parsedArgs.get(decls);
  if (args === void 0) {
    args = Object.freeze(decls.map((decl) => {
      const m = /^(.*?)\s*([A-Za-z_][A-Za-z0-9_]*)$/.exec(decl);
      const type = m?.[1] ?? decl;
      return Object.freeze({ name: m?.[2] ?? "", type, pointer: type.includes("*") });
    }));
    parsedArgs.set(decls, args);
  }
  return args;
}
function declarations(name, arch) {
  if (syscallNumber(arch, name) === void 0) return void 0;
  const override = ARCH_ARG_LAYOUTS[arch];
  if (override !== void 0 && Object.hasOwn(override, name)) return override[name];
  if (Object.hasOwn(SYSCALL_ARGS, name)) return SYSCALL_ARGS[name];
  return Object.hasOwn(UNTRACED_SYSCALL_ARGS, name) ? UNTRACED_SYSCALL_ARGS[name] : void 0;
}
function syscallArgKinds(name, arch = "x86_64") {
  const decls = declarations(name, arch);
  return decls === void 0 ? void 0 : parseArgs(decls);
}
function syscallPointerArgs(name, arch) {
  const arches = arch === void 0 ? Object.keys(SOURCES) : [arch];
  let known = false;
  const indexes = /* @__PURE__ */ new Set();
  for (const a of arches) {
    const args = syscallArgKinds(name, a);
    if (args === void 0) continue;
    known = true;
    args.forEach((arg, i) => {
      if (arg.pointer) indexes.add(i);
    });
  }
  return known ? [...indexes].sort((x, y) => x - y) : void 0;
}

// policies/ip_address.ts
var import_npm_ipaddr_js_2_2 = __toESM(require_ipaddr());
function fromParsed(parsed) {
  const bytes = new Uint8Array(16);
  if (parsed.kind() === "ipv4") {
    bytes[10] = bytes[11] = 255;
    bytes.set(parsed.toByteArray(), 12);
    return { v4: true, bytes, text: parsed.toString() };
  }
  bytes.set(parsed.toByteArray());
  return { v4: false, bytes, text: parsed.toRFC5952String() };
}
function parseIpAddress(text) {
  if (import_npm_ipaddr_js_2_2.default.IPv4.isValidFourPartDecimal(text)) return fromParsed(import_npm_ipaddr_js_2_2.default.IPv4.parse(text));
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (!/^[0-9A-Fa-f:.]+$/.test(bare) || !bare.includes(":")) return void 0;
  if (!import_npm_ipaddr_js_2_2.default.IPv6.isValid(bare)) return void 0;
  const dotted = /:([^:]+)$/.exec(bare)?.[1];
  if (dotted?.includes(".") && !import_npm_ipaddr_js_2_2.default.IPv4.isValidFourPartDecimal(dotted)) return void 0;
  return fromParsed(import_npm_ipaddr_js_2_2.default.IPv6.parse(bare));
}
function hostBitsSet(address, prefix) {
  const start = address.v4 ? 96 + prefix : prefix;
  for (let bit = start; bit < 128; bit++) {
    if (address.bytes[bit >> 3] & 128 >> (bit & 7)) return true;
  }
  return false;
}

// policies/policy_values.ts
function pathProblem(value) {
  if (!value.startsWith("/")) return "not absolute";
  if (value.includes("\0")) return "contains a NUL character";
  if (value.split("/").includes("..")) return 'contains ".."';
  return void 0;
}
function policyPath(value, baseDir) {
  if (value.startsWith("/")) {
    const problem = pathProblem(value);
    return problem === void 0 ? { path: value } : { path: value, problem };
  }
  if (!value.startsWith("./") && !value.startsWith("../")) {
    return { path: value, problem: 'not absolute (a relative path starts with "./" or "../")' };
  }
  if (baseDir === void 0 || !baseDir.startsWith("/")) {
    return {
      path: value,
      problem: "a relative path is taken from the policy file's directory, and this policy has none (a builtin profile, standard input or a text in memory)"
    };
  }
  if (value.includes("\0")) return { path: value, problem: "contains a NUL character" };
  const parts = value.split("/");
  const out = [];
  for (const part of baseDir.split("/")) {
    if (part === "..") out.pop();
    else if (part !== "" && part !== ".") out.push(part);
  }
  let i = 0;
  for (; i < parts.length && (parts[i] === "." || parts[i] === ".."); i++) {
    if (parts[i] === "..") out.pop();
  }
  const rest = parts.slice(i).filter((p) => p !== "" && p !== ".");
  if (rest.includes("..")) {
    return { path: value, problem: 'contains ".." after its leading "./" and "../"' };
  }
  return { path: `/${[...out, ...rest].join("/")}` };
}
function normalisePath(value, keepSlash) {
  const parts = value.split("/").filter((p) => p !== "" && p !== ".");
  const dir = keepSlash && parts.length > 0 && /\/\.?$/.test(value);
  return `/${parts.join("/")}${dir ? "/" : ""}`;
}
var SUN_PATH_MAX = 107;
var MAJOR_MAX = 4095;
var MINOR_MAX = 1048575;
function parseDevice(text) {
  if (text.startsWith("/")) {
    const problem = pathProblem(text);
    if (problem !== void 0) return `!${problem}`;
    const path = normalisePath(text, false);
    return path === "/" ? "!names no device" : path;
  }
  const m = /^([cb])\s+([0-9]+):([0-9]+|\*)$/.exec(text.trim());
  if (m === null) {
    return '!expected a device path such as "/dev/fuse", or "c MAJOR:MINOR" (character) or "b MAJOR:MINOR" (block), "*" for any minor';
  }
  const major = Number(m[2]);
  if (m[2].length > 7 || major > MAJOR_MAX) return `!major ${m[2]} is above ${MAJOR_MAX}`;
  if (m[3] !== "*" && (m[3].length > 8 || Number(m[3]) > MINOR_MAX)) {
    return `!minor ${m[3]} is above ${MINOR_MAX}`;
  }
  return `${m[1]} ${major}:${m[3] === "*" ? "*" : Number(m[3])}`;
}
function parseUnixSocket(text) {
  if (text.startsWith("@")) {
    const name2 = text.slice(1);
    if (name2 === "") return 'no name after "@"';
    if (name2.includes("\0")) return "contains a NUL character";
    if (new TextEncoder().encode(name2).length > SUN_PATH_MAX) {
      return `longer than ${SUN_PATH_MAX} bytes`;
    }
    return { kind: "abstract", name: name2 };
  }
  if (!text.startsWith("/")) return 'expected an absolute path or "@" and an abstract name';
  const problem = pathProblem(text);
  if (problem !== void 0) return problem;
  const name = normalisePath(text, true);
  if (!name.endsWith("/") && new TextEncoder().encode(name).length > SUN_PATH_MAX) {
    return `longer than ${SUN_PATH_MAX} bytes (a socket address cannot hold it)`;
  }
  return { kind: "path", name };
}
var constantCache = /* @__PURE__ */ new Map();
function constantValue(name) {
  const cached = constantCache.get(name);
  if (cached !== void 0) return cached;
  const values = /* @__PURE__ */ new Map();
  for (const arch of ARCHES) {
    const v = resolveConstant(name, arch);
    if (v !== void 0) values.set(arch, v);
  }
  const distinct = new Set(values.values());
  let out;
  if (distinct.size === 0) {
    out = "unknown";
  } else if (distinct.size > 1) {
    const list = [...values].map(([arch, v]) => `${arch} 0x${v.toString(16)}`).join(", ");
    out = `differs between architectures (${list}); write the number for the architecture meant`;
  } else {
    out = [...distinct][0];
  }
  constantCache.set(name, out);
  return out;
}
function parseEndpoint(text) {
  let rest = text;
  let protocol = "any";
  const slash = /^(tcp|udp)\//.exec(rest);
  if (slash !== null) {
    protocol = slash[1];
    rest = rest.slice(slash[0].length);
  }
  if (rest === "") return "nothing after the protocol";
  if (/^[0-9]+(-[0-9]+)?$/.test(rest)) {
    const ports2 = parsePorts(rest);
    return typeof ports2 === "string" ? ports2 : { protocol, ports: ports2 };
  }
  let host;
  let portText;
  let v6;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close === -1) return 'missing "]"';
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== "" && !after.startsWith(":")) return `unexpected ${q(after)} after "]"`;
    if (after !== "") portText = after.slice(1);
    v6 = true;
  } else if (rest.indexOf(":") !== rest.lastIndexOf(":")) {
    host = rest;
    v6 = true;
  } else {
    const colon = rest.indexOf(":");
    host = colon === -1 ? rest : rest.slice(0, colon);
    if (colon !== -1) portText = rest.slice(colon + 1);
    v6 = false;
  }
  const address = canonicalAddress(host, v6);
  if (address.startsWith("!")) return address.slice(1);
  if (portText === void 0) return { protocol, address };
  const ports = parsePorts(portText);
  return typeof ports === "string" ? ports : { protocol, address, ports };
}
function parsePorts(text) {
  const m = /^([0-9]{1,5})(?:-([0-9]{1,5}))?$/.exec(text);
  if (m === null) return `bad port ${q(text)}`;
  const lo = Number(m[1]);
  const hi = m[2] === void 0 ? lo : Number(m[2]);
  if (lo < 1 || lo > 65535 || hi < 1 || hi > 65535) {
    return `port out of range 1-65535 in ${q(text)}`;
  }
  if (lo > hi) return `port range ${q(text)} is reversed`;
  return [lo, hi];
}
function canonicalAddress(text, v6) {
  const [addr = "", prefix, extra] = text.split("/");
  const family = v6 ? "IPv6" : "IPv4";
  if (extra !== void 0) return `!bad ${family} address ${q(text)}`;
  const parsed = parseIpAddress(addr);
  if (parsed === void 0 || parsed.v4 === v6) {
    if (!v6 && /^\d+(\.\d+){3}$/.test(addr) && /(^|\.)0\d/.test(addr)) {
      return `!leading zero in IPv4 address ${q(addr)}`;
    }
    return `!bad ${family} address ${q(addr)}`;
  }
  if (prefix === void 0) return parsed.text;
  const bits = v6 ? 128 : 32;
  if (!/^[0-9]{1,3}$/.test(prefix) || Number(prefix) > bits) {
    return `!bad prefix length ${q(prefix)} (0-${bits})`;
  }
  if (hostBitsSet(parsed, Number(prefix))) return `!${q(`${addr}/${prefix}`)} has host bits set`;
  return `${parsed.text}/${Number(prefix)}`;
}

// policies/validate_tree.ts
function validate(ctx, node, schema, path, keyAt) {
  const at = node.kind === "scalar" && node.empty && keyAt !== void 0 ? keyAt : node.start;
  const wrongType = (expected, hint) => ctx.error(
    "wrong-type",
    at,
    `${pathText(path)} must be ${expected}, not ${describe(node)}${hint ? `: ${hint}` : ""}`
  );
  switch (schema.type) {
    case "object": {
      if (node.kind !== "map") return wrongType("a mapping");
      for (const { key, value } of node.entries) {
        const name = keyText(key);
        const sub = typeof key.value === "string" && Object.hasOwn(schema.properties, name) ? schema.properties[name] : void 0;
        if (sub === void 0) {
          const known = Object.keys(schema.properties);
          const hint = ctx.suggest(name, () => known);
          ctx.error(
            "unknown-key",
            key.start,
            `unknown key ${q(name)} in ${pathText(path)}${hint || ` (expected ${known.map(q).join(", ")})`}`
          );
        } else {
          validate(ctx, value, sub, child(path, name), key.start);
        }
      }
      for (const required of schema.required ?? []) {
        if (!node.entries.some((e) => e.key.value === required)) {
          ctx.error(
            "missing-key",
            keyAt ?? node.start,
            `missing key ${q(required)} in ${pathText(path)}`
          );
        }
      }
      return;
    }
    case "array": {
      if (node.kind !== "seq") return wrongType("a list");
      if (schema.minItems !== void 0 && node.items.length < schema.minItems) {
        ctx.error("bad-value", at, `${pathText(path)} must not be empty`);
      }
      node.items.forEach((item, i) => validate(ctx, item, schema.items, child(path, i), void 0));
      return;
    }
    case "string":
      if (node.kind !== "scalar" || typeof node.value !== "string") return wrongType("a string");
      return checkString(ctx, node, node.value, schema, path);
    case "integer": {
      if (node.kind !== "scalar" || typeof node.value !== "bigint") {
        return wrongType("an integer", schema.hint);
      }
      const v = node.value;
      if (v < schema.minimum || v > schema.maximum) {
        ctx.error(
          schema.code ?? "bad-value",
          at,
          `${pathText(path)} must be between ${schema.minimum} and ${schema.maximum}, not ${q(v)}`
        );
      }
      return;
    }
    case "name-or-number": {
      if (node.kind === "scalar" && typeof node.value === "string") {
        return validate(ctx, node, schema.name, path, keyAt);
      }
      if (node.kind === "scalar" && typeof node.value === "bigint") {
        return validate(ctx, node, schema.number, path, keyAt);
      }
      return wrongType("a name or an integer");
    }
  }
}
var patterns = /* @__PURE__ */ new Map();
function patternOf(source) {
  let re = patterns.get(source);
  if (re === void 0) patterns.set(source, re = new RegExp(source));
  return re;
}
function checkString(ctx, node, value, schema, path) {
  const code = schema.code ?? "bad-value";
  if (schema.enum !== void 0 && !schema.enum.includes(value)) {
    const options = schema.enum;
    const hint = ctx.suggest(value, () => options);
    const listed = options.length <= 10 ? ` (expected ${options.map(q).join(", ")})` : "";
    const what = code === "unknown-capability" ? "unknown capability group" : "bad value";
    ctx.error(code, node.start, `${what} ${q(value)} for ${pathText(path)}${hint || listed}`);
    return;
  }
  if (schema.minLength !== void 0 && value.length < schema.minLength) {
    ctx.error("bad-value", node.start, `${pathText(path)} must not be empty`);
    return;
  }
  if (schema.maxLength !== void 0 && value.length > schema.maxLength) {
    ctx.error(
      "bad-value",
      node.start,
      `${q(value.slice(0, 40))} is too long for ${pathText(path)} (at most ${schema.maxLength} characters)`
    );
    return;
  }
  if (schema.format !== void 0) {
    checkFormat(ctx, node, value, schema.format, path);
    return;
  }
  if (schema.pattern !== void 0 && !patternOf(schema.pattern).test(value)) {
    ctx.error(
      code,
      node.start,
      `bad value ${q(value)} for ${pathText(path)} (must match ${schema.pattern})`
    );
  }
}
function checkFormat(ctx, node, value, format, path) {
  switch (format) {
    case "syscall":
      if (!isKnownSyscall(value)) {
        const hint = ctx.suggest(value, syscallNames);
        ctx.error("unknown-syscall", node.start, `unknown syscall ${q(value)}${hint}`);
      }
      return;
    case "errno":
      if (errnoNumber(value) === void 0) {
        ctx.error("unknown-errno", node.start, `unknown errno ${q(value)} in ${pathText(path)}`);
      }
      return;
    case "absolute-path": {
      const problem = pathProblem(value);
      if (problem !== void 0) {
        ctx.error("bad-path", node.start, `bad path ${q(value)} in ${pathText(path)}: ${problem}`);
      }
      return;
    }
    case "policy-path": {
      const resolved = policyPath(value, ctx.baseDir);
      if (resolved.problem !== void 0) {
        ctx.error(
          "bad-path",
          node.start,
          `bad path ${q(value)} in ${pathText(path)}: ${resolved.problem}`
        );
      }
      return;
    }
    case "endpoint": {
      const parsed = parseEndpoint(value);
      if (typeof parsed === "string") {
        ctx.error("bad-endpoint", node.start, `bad endpoint ${q(value)}: ${parsed}`);
      }
      return;
    }
    case "arg-value":
      argValue(ctx, node, value, path);
      return;
    case "linux-capability":
      if (canonicalCapability(value) === void 0) {
        const upper = value.toUpperCase();
        const hint = ctx.suggest(
          upper.startsWith("CAP_") ? upper : `CAP_${upper}`,
          capabilityNames
        );
        ctx.error(
          "unknown-capability",
          node.start,
          `unknown Linux capability ${q(value)} in ${pathText(path)}${hint}`
        );
      }
      return;
    case "device": {
      const parsed = parseDevice(value);
      if (parsed.startsWith("!")) {
        ctx.error(
          "bad-value",
          node.start,
          `bad device ${q(value)} in ${pathText(path)}: ${parsed.slice(1)}`
        );
      }
      return;
    }
    case "unix-socket": {
      const parsed = parseUnixSocket(value);
      if (typeof parsed === "string") {
        ctx.error(
          "bad-path",
          node.start,
          `bad Unix socket ${q(value)} in ${pathText(path)}: ${parsed}`
        );
      }
      return;
    }
  }
}
function argValue(ctx, node, value, path) {
  if (typeof value === "bigint") return toU64(value);
  const raw = ctx.text.slice(node.start, node.start + value.length + 2);
  const inner = node.quoted ? raw.slice(1) : raw;
  const exact = inner.startsWith(value);
  const parsed = parseFlagExpression(value, constantValue);
  for (const term of parsed.terms) {
    const name = term.text;
    const at = node.start + (exact ? (node.quoted ? 1 : 0) + term.offset : 0);
    const error = term.error;
    if (error === void 0) continue;
    if (error.kind === "empty") {
      ctx.error("bad-arg", node.start, `bad value ${q(value)} for ${pathText(path)}: empty part`);
    } else if (error.kind === "too-wide") {
      ctx.error("bad-arg", at, `value ${q(name)} for ${pathText(path)} does not fit 64 bits`);
    } else if (error.kind === "constant" && error.reason === "unknown") {
      const hint = ctx.suggest(name, constantNames);
      ctx.error("unknown-constant", at, `unknown constant ${q(name)}${hint}`);
    } else if (error.kind === "constant") {
      ctx.error("bad-arg", at, `constant ${q(name)} ${error.reason}`);
    } else {
      ctx.error(
        "bad-arg",
        at,
        `bad value ${q(name)} for ${pathText(path)}: expected a number or a constant name`
      );
    }
  }
  return parsed.value;
}

// policies/capability_groups.ts
var AIO = [
  "io_cancel",
  "io_destroy",
  "io_getevents",
  "io_pgetevents",
  "io_pgetevents_time64",
  "io_setup",
  "io_submit"
];
var OPEN = ["open", "openat", "openat2"];
var SOCKET_IO = [
  "connect",
  "getpeername",
  "getsockname",
  "getsockopt",
  "recvfrom",
  "recvmmsg",
  "recvmmsg_time64",
  "recvmsg",
  "sendmmsg",
  "sendmsg",
  "sendto",
  "setsockopt",
  "shutdown",
  "socket",
  "socketcall",
  "socketpair"
];
function group(description, syscalls) {
  return { description, syscalls: [...new Set(syscalls)].sort() };
}
var CAPABILITY_GROUPS = Object.freeze({
  "fs.read": group(
    "Open files and read their contents and directory listings: every read call (read, readv, pread64, preadv, preadv2, Linux AIO), seeking, directory reads, symlink reads and read-ahead hints, and cachestat (the page-cache state of an open file, the file-backed sibling of mincore). Includes open/openat/openat2, which seccomp cannot tell apart by mode (openat's flags can be tested with a rule; openat2's are behind a pointer): use `filesystem` rules (Landlock) to limit which paths are read.",
    [
      ...OPEN,
      ...AIO,
      "_llseek",
      "cachestat",
      "fadvise64",
      "fadvise64_64",
      "flock",
      "getdents",
      "getdents64",
      "lseek",
      "pread64",
      "preadv",
      "preadv2",
      "read",
      "readahead",
      "readdir",
      "readlink",
      "readlinkat",
      "readv"
    ]
  ),
  "fs.write": group(
    "Write to open files and change their size: every write call (write, pwrite64, writev, pwritev, pwritev2), the calls that write through the kernel (sendfile, splice, tee, vmsplice, copy_file_range, Linux AIO), truncation, preallocation and flushing. Includes open/openat/openat2 to open files for writing.",
    [
      ...OPEN,
      ...AIO,
      "copy_file_range",
      "fallocate",
      "fdatasync",
      "fsync",
      "ftruncate",
      "ftruncate64",
      "msync",
      "pwrite64",
      "pwritev",
      "pwritev2",
      "sendfile",
      "sendfile64",
      "splice",
      "sync",
      "sync_file_range",
      "syncfs",
      "tee",
      "truncate",
      "truncate64",
      "vmsplice",
      "write",
      "writev"
    ]
  ),
  "fs.create": group(
    "Create new names in the filesystem: files (open/openat/openat2 with O_CREAT, creat), directories, device and FIFO nodes, symbolic and hard links, and renames (which create the new name).",
    [
      ...OPEN,
      "creat",
      "link",
      "linkat",
      "mkdir",
      "mkdirat",
      "mknod",
      "mknodat",
      "rename",
      "renameat",
      "renameat2",
      "symlink",
      "symlinkat"
    ]
  ),
  "fs.delete": group(
    "Remove names from the filesystem: unlink, rmdir, and renames (which can replace and so remove an existing target).",
    ["rename", "renameat", "renameat2", "rmdir", "unlink", "unlinkat"]
  ),
  "fs.metadata": group(
    "Inspect files without reading their contents: stat in all its forms (including i386 stat64/fstat64/fstatat64), access checks, extended attribute reads (getxattrat, listxattrat too), file attribute reads (file_getattr), the working directory, filesystem statistics and file handles, and the mount table (statmount, listmount: the same read-only view as /proc/self/mountinfo, limited to the caller's mount namespace; changing mounts is the mount group).",
    [
      "access",
      "chdir",
      "faccessat",
      "faccessat2",
      "fchdir",
      "fgetxattr",
      "file_getattr",
      "flistxattr",
      "fstat",
      "fstat64",
      "fstatat64",
      "fstatfs",
      "fstatfs64",
      "getcwd",
      "getxattr",
      "getxattrat",
      "lgetxattr",
      "listmount",
      "listxattr",
      "listxattrat",
      "llistxattr",
      "lstat",
      "lstat64",
      "name_to_handle_at",
      "newfstatat",
      "oldfstat",
      "oldlstat",
      "oldstat",
      "stat",
      "stat64",
      "statfs",
      "statfs64",
      "statmount",
      "statx",
      "sysfs",
      "ustat"
    ]
  ),
  "fs.attributes": group(
    "Change file metadata: permissions (chmod, fchmod, fchmodat, fchmodat2), ownership (including i386 chown32 variants), timestamps, extended attributes (setxattrat and removexattrat too) and file attributes (file_setattr). Ownership changes to other users still need CAP_CHOWN.",
    [
      "chmod",
      "chown",
      "chown32",
      "fchmod",
      "fchmodat",
      "fchmodat2",
      "fchown",
      "fchown32",
      "fchownat",
      "file_setattr",
      "fremovexattr",
      "fsetxattr",
      "futimesat",
      "lchown",
      "lchown32",
      "lremovexattr",
      "lsetxattr",
      "removexattr",
      "removexattrat",
      "setxattr",
      "setxattrat",
      "utime",
      "utimensat",
      "utimensat_time64",
      "utimes"
    ]
  ),
  "fs.watch": group(
    "Watch the filesystem for changes: inotify and fanotify (fanotify mostly needs CAP_SYS_ADMIN).",
    [
      "fanotify_init",
      "fanotify_mark",
      "inotify_add_watch",
      "inotify_init",
      "inotify_init1",
      "inotify_rm_watch"
    ]
  ),
  "fs.admin": group(
    "Filesystem administration that needs privileges: chroot and fchroot, quotas, swap, opening files by handle (open_by_handle_at, the 'shocker' container escape) and obsolete filesystem services.",
    [
      "bdflush",
      "chroot",
      "fchroot",
      "lookup_dcookie",
      "nfsservctl",
      "open_by_handle_at",
      "quotactl",
      "quotactl_fd",
      "swapoff",
      "swapon"
    ]
  ),
  "net.client": group(
    "Create sockets and use them: socket, connect, send and receive in every form, socket options and names. Includes i386 socketcall, which multiplexes every socket operation (see the module documentation). Under builtin:baseline or with a `network` section, socket and socketpair are limited to Unix, TCP/UDP over IPv4/IPv6 and NETLINK_ROUTE (no raw, packet or ping sockets) and socketcall answers ENOSYS, whatever this group allows; `network` rules decide which endpoints are reached.",
    SOCKET_IO
  ),
  "net.server": group(
    "Accept connections and receive on fixed addresses: bind, listen, accept, accept4 (and i386 socketcall, answered with ENOSYS under builtin:baseline or a `network` section). Combine with net.client for the socket and its I/O.",
    ["accept", "accept4", "bind", "listen", "socketcall"]
  ),
  "proc.basic": group(
    "What nearly every process needs: exiting, its own ids and limits, file-descriptor bookkeeping (close, dup, fcntl, ioctl), waiting on descriptors (poll, select, epoll, eventfd), thread support (futex and futex_wait/futex_wake/futex_requeue, robust lists, rseq, TLS setup), random numbers and system information, reading its own LSM attributes (lsm_get_self_attr, lsm_list_modules: what /proc/self/attr and securityfs show), and the uprobe/uretprobe trampoline calls (only the kernel's probe trampolines can make them, anything else gets SIGILL; kernels since 6.13/6.16 pass them through seccomp, older ones would kill probed programs if they were denied).",
    [
      "_newselect",
      "arch_prctl",
      "capget",
      "close",
      "close_range",
      "dup",
      "dup2",
      "dup3",
      "epoll_create",
      "epoll_create1",
      "epoll_ctl",
      "epoll_pwait",
      "epoll_pwait2",
      "epoll_wait",
      "eventfd",
      "eventfd2",
      "exit",
      "exit_group",
      "fcntl",
      "fcntl64",
      "futex",
      "futex_requeue",
      "futex_time64",
      "futex_wait",
      "futex_waitv",
      "futex_wake",
      "get_robust_list",
      "get_thread_area",
      "getcpu",
      "getegid",
      "getegid32",
      "geteuid",
      "geteuid32",
      "getgid",
      "getgid32",
      "getgroups",
      "getgroups32",
      "getpgid",
      "getpgrp",
      "getpid",
      "getppid",
      "getpriority",
      "getrandom",
      "getresgid",
      "getresgid32",
      "getresuid",
      "getresuid32",
      "getrlimit",
      "getrusage",
      "getsid",
      "gettid",
      "getuid",
      "getuid32",
      "ioctl",
      "ioprio_get",
      "lsm_get_self_attr",
      "lsm_list_modules",
      "membarrier",
      "olduname",
      "oldolduname",
      "poll",
      "ppoll",
      "ppoll_time64",
      "prctl",
      "prlimit64",
      "pselect6",
      "pselect6_time64",
      "rseq",
      "rseq_slice_yield",
      "sched_get_priority_max",
      "sched_get_priority_min",
      "sched_getaffinity",
      "sched_getattr",
      "sched_getparam",
      "sched_getscheduler",
      "sched_rr_get_interval",
      "sched_rr_get_interval_time64",
      "sched_yield",
      "select",
      "set_robust_list",
      "set_thread_area",
      "set_tid_address",
      "setpgid",
      "setrlimit",
      "setsid",
      "sysinfo",
      "times",
      "ugetrlimit",
      "umask",
      "uname",
      "uprobe",
      "uretprobe"
    ]
  ),
  "proc.sched": group(
    "Change scheduling: priority (nice), scheduler policy and parameters, CPU affinity, I/O priority. Raising priority still needs CAP_SYS_NICE.",
    [
      "ioprio_set",
      "nice",
      "sched_setaffinity",
      "sched_setattr",
      "sched_setparam",
      "sched_setscheduler",
      "setpriority"
    ]
  ),
  "proc.spawn": group(
    "Create and reap processes and threads: fork, vfork, clone, clone3, wait4/waitpid/waitid, pidfd_open. clone and clone3 can also create namespaces; see proc.namespace.",
    ["clone", "clone3", "fork", "pidfd_open", "vfork", "wait4", "waitid", "waitpid"]
  ),
  "proc.exec": group(
    "Replace the program: execve and execveat. Every program started under a filter runs under the same filter; limit which files may be executed with `filesystem.execute`.",
    ["execve", "execveat"]
  ),
  "proc.namespace": group(
    "Enter, create or enumerate namespaces: unshare, setns and listns (clone and clone3 create them too, with CLONE_NEW* flags).",
    ["listns", "setns", "unshare"]
  ),
  "proc.debug": group(
    "Inspect or modify other processes: ptrace, process_vm_readv/writev, pidfd_getfd, kcmp, process_madvise, process_mrelease and perf_event_open. A sandboxed program with these can escape through any process it may trace.",
    [
      "kcmp",
      "perf_event_open",
      "pidfd_getfd",
      "process_madvise",
      "process_mrelease",
      "process_vm_readv",
      "process_vm_writev",
      "ptrace"
    ]
  ),
  "ipc": group(
    "Local inter-process communication: pipes, socket pairs, SysV shared memory, semaphores and message queues (i386 ipc multiplexer included), POSIX message queues.",
    [
      "ipc",
      "mq_getsetattr",
      "mq_notify",
      "mq_open",
      "mq_timedreceive",
      "mq_timedreceive_time64",
      "mq_timedsend",
      "mq_timedsend_time64",
      "mq_unlink",
      "msgctl",
      "msgget",
      "msgrcv",
      "msgsnd",
      "pipe",
      "pipe2",
      "semctl",
      "semget",
      "semop",
      "semtimedop",
      "semtimedop_time64",
      "shmat",
      "shmctl",
      "shmdt",
      "shmget",
      "socketpair"
    ]
  ),
  "mem": group(
    "Manage the process's memory: brk, mmap (and i386 mmap2), munmap, mremap, mprotect, protection keys, advice, locking, NUMA policy, memfd, sealing mappings (mseal) and shadow stacks (map_shadow_stack). A group cannot tell PROT_EXEC apart: `spec.memory.writeExecute: deny` enforces W^X with argument rules on these (docs/enforcement.md).",
    [
      "brk",
      "get_mempolicy",
      "madvise",
      "map_shadow_stack",
      "mbind",
      "memfd_create",
      "memfd_secret",
      "migrate_pages",
      "mincore",
      "mlock",
      "mlock2",
      "mlockall",
      "mmap",
      "mmap2",
      "move_pages",
      "mprotect",
      "mremap",
      "mseal",
      "munlock",
      "munlockall",
      "munmap",
      "pkey_alloc",
      "pkey_free",
      "pkey_mprotect",
      "remap_file_pages",
      "set_mempolicy",
      "set_mempolicy_home_node"
    ]
  ),
  "time": group(
    "Read clocks, sleep and use timers: clock_gettime, gettimeofday, time, nanosleep, clock_nanosleep, interval and POSIX timers, timerfd (with the i386 _time64 variants).",
    [
      "alarm",
      "clock_getres",
      "clock_getres_time64",
      "clock_gettime",
      "clock_gettime64",
      "clock_nanosleep",
      "clock_nanosleep_time64",
      "getitimer",
      "gettimeofday",
      "nanosleep",
      "setitimer",
      "time",
      "timer_create",
      "timer_delete",
      "timer_getoverrun",
      "timer_gettime",
      "timer_gettime64",
      "timer_settime",
      "timer_settime64",
      "timerfd_create",
      "timerfd_gettime",
      "timerfd_gettime64",
      "timerfd_settime",
      "timerfd_settime64"
    ]
  ),
  "time.set": group(
    "Set or adjust the system clocks (needs CAP_SYS_TIME).",
    [
      "adjtimex",
      "clock_adjtime",
      "clock_adjtime64",
      "clock_settime",
      "clock_settime64",
      "settimeofday",
      "stime"
    ]
  ),
  "signal": group(
    "Handle, block, wait for and send signals: rt_sig* and the i386 legacy calls, sigaltstack, signalfd, kill/tkill/tgkill, pidfd_send_signal, pause and restart_syscall (which the kernel uses to restart interrupted calls).",
    [
      "kill",
      "pause",
      "pidfd_send_signal",
      "restart_syscall",
      "rt_sigaction",
      "rt_sigpending",
      "rt_sigprocmask",
      "rt_sigqueueinfo",
      "rt_sigreturn",
      "rt_sigsuspend",
      "rt_sigtimedwait",
      "rt_sigtimedwait_time64",
      "rt_tgsigqueueinfo",
      "sgetmask",
      "sigaction",
      "sigaltstack",
      "signal",
      "signalfd",
      "signalfd4",
      "sigpending",
      "sigprocmask",
      "sigreturn",
      "sigsuspend",
      "ssetmask",
      "tgkill",
      "tkill"
    ]
  ),
  "sandbox": group(
    "Restrict oneself further: seccomp and Landlock. Harmless to allow: a program can only give up rights with these.",
    [
      "landlock_add_rule",
      "landlock_create_ruleset",
      "landlock_restrict_self",
      "seccomp"
    ]
  ),
  "io_uring": group(
    "io_uring: asynchronous I/O whose operations (open, read, write, connect, …) run in the kernel without passing through the syscall filter. A restrictive policy must deny io_uring_setup, or its other rules can be bypassed.",
    ["io_uring_enter", "io_uring_register", "io_uring_setup"]
  ),
  "bpf": group(
    "Load BPF programs and maps (bpf). With privileges this reaches into the whole kernel.",
    ["bpf"]
  ),
  "module": group(
    "Load and unload kernel modules, and the obsolete module calls.",
    [
      "create_module",
      "delete_module",
      "finit_module",
      "get_kernel_syms",
      "init_module",
      "query_module"
    ]
  ),
  "mount": group(
    "Mount, unmount and move filesystems, in both the classic (mount, umount2) and the new mount API (fsopen, fsmount, move_mount, open_tree, open_tree_attr, …) and pivot_root. Reading the mount table (statmount, listmount) is fs.metadata.",
    [
      "fsconfig",
      "fsmount",
      "fsopen",
      "fspick",
      "mount",
      "mount_setattr",
      "move_mount",
      "open_tree",
      "open_tree_attr",
      "pivot_root",
      "umount",
      "umount2"
    ]
  ),
  "reboot": group(
    "Reboot, halt or replace the running kernel (reboot, kexec_load, kexec_file_load).",
    ["kexec_file_load", "kexec_load", "reboot"]
  ),
  "keyring": group(
    "The kernel keyring: add_key, request_key, keyctl. Keyrings are not namespaced, so a sandboxed program could reach other programs' keys.",
    ["add_key", "keyctl", "request_key"]
  ),
  "privileged": group(
    "Identity and privilege changes (setuid family with i386 32-bit variants, setgroups, capset), host identity, hardware and kernel access (iopl, ioperm, vm86, modify_ldt, syslog, vhangup, acct), the execution domain (personality: ADDR_NO_RANDOMIZE weakens ASLR), userfaultfd (a common exploit helper) and lsm_set_self_attr (a security-module context transition of the process itself).",
    [
      "acct",
      "capset",
      "ioperm",
      "iopl",
      "lsm_set_self_attr",
      "modify_ldt",
      "personality",
      "setdomainname",
      "setfsgid",
      "setfsgid32",
      "setfsuid",
      "setfsuid32",
      "setgid",
      "setgid32",
      "setgroups",
      "setgroups32",
      "sethostname",
      "setregid",
      "setregid32",
      "setresgid",
      "setresgid32",
      "setresuid",
      "setresuid32",
      "setreuid",
      "setreuid32",
      "setuid",
      "setuid32",
      "syslog",
      "userfaultfd",
      "vhangup",
      "vm86",
      "vm86old"
    ]
  )
});
var UNGROUPED_SYSCALLS = Object.freeze({
  _sysctl: "removed from the kernel (always ENOSYS)",
  afs_syscall: "never implemented",
  break: "i386 placeholder, never implemented",
  epoll_ctl_old: "x86_64 placeholder, never implemented",
  epoll_wait_old: "x86_64 placeholder, never implemented",
  ftime: "i386 placeholder, never implemented",
  getpmsg: "never implemented (STREAMS)",
  gtty: "i386 placeholder, never implemented",
  idle: "i386 placeholder, never implemented",
  lock: "i386 placeholder, never implemented",
  mpx: "i386 placeholder, never implemented",
  prof: "i386 placeholder, never implemented",
  profil: "i386 placeholder, never implemented",
  putpmsg: "never implemented (STREAMS)",
  security: "never implemented",
  stty: "i386 placeholder, never implemented",
  tuxcall: "never implemented",
  ulimit: "i386 placeholder, never implemented",
  uselib: "obsolete a.out shared-library loader (loads executable code; disabled in most kernels)",
  vserver: "never implemented"
});
function capabilityGroup(name) {
  return Object.hasOwn(CAPABILITY_GROUPS, name) ? CAPABILITY_GROUPS[name] : void 0;
}

// policies/schema.ts
var ACTION_NAMES = [
  "allow",
  "deny",
  "kill",
  "log",
  "trap",
  "kill_thread",
  "trace",
  "notify"
];
var POLICY_NAME_PATTERN = "^[a-z0-9][a-z0-9-]*$";
var API_VERSION = "cordon/v1";
var U64_MAX = (1n << 64n) - 1n;
var I64_MIN = -(1n << 63n);
var action = (description) => ({
  type: "string",
  description,
  enum: ACTION_NAMES
});
var errno = (description) => ({
  type: "name-or-number",
  description,
  name: {
    type: "string",
    description: "An errno name such as EPERM, EACCES or ENOSYS.",
    pattern: "^E[A-Z0-9]+$",
    format: "errno",
    code: "unknown-errno"
  },
  number: {
    type: "integer",
    description: "An errno number (1-4095; 0 would make the call look successful).",
    minimum: 1n,
    maximum: 4095n
  }
});
var argValue2 = (description) => ({
  type: "name-or-number",
  description,
  name: {
    type: "string",
    description: 'A symbolic constant (AF_PACKET), constants joined by | (O_CREAT|O_EXCL), or a number as a string ("0x10", "-1").',
    pattern: "^\\s*[A-Za-z0-9_+-]+\\s*(\\|\\s*[A-Za-z0-9_+-]+\\s*)*$",
    format: "arg-value",
    code: "bad-arg"
  },
  number: {
    type: "integer",
    description: "A 64-bit value; negative numbers are stored two's complement.",
    minimum: I64_MIN,
    maximum: U64_MAX,
    code: "bad-arg"
  }
});
var absolutePaths = (description) => ({
  type: "array",
  description,
  items: {
    type: "string",
    description: "An absolute path.",
    pattern: "^/",
    format: "absolute-path",
    code: "bad-path"
  }
});
var policyPaths = (description) => ({
  type: "array",
  description,
  items: {
    type: "string",
    description: "An absolute path, or one relative to the policy file's directory (./x, ../x).",
    pattern: "^(/|\\./|\\.\\./)",
    format: "policy-path",
    code: "bad-path"
  }
});
var endpoints = (description) => ({
  type: "array",
  description,
  items: {
    type: "string",
    description: "[tcp/|udp/][ADDRESS[/PREFIX]:]PORT[-PORT], [tcp/|udp/]ADDRESS[/PREFIX][:PORT]; IPv6 addresses in brackets when a port follows: tcp/443, udp/53, 127.0.0.1:5432, tcp/10.0.0.0/8:443, [::1]:8080, tcp/8000-8080.",
    pattern: "^((tcp|udp)/)?[0-9A-Fa-f.:\\[\\]/-]+$",
    format: "endpoint",
    code: "bad-endpoint"
  }
});
var capabilityNames2 = (description) => ({
  type: "array",
  description,
  items: {
    type: "string",
    description: "A capability group (see docs/capabilities.md).",
    enum: Object.keys(CAPABILITY_GROUPS).sort(),
    code: "unknown-capability"
  }
});
var id = (what, description) => ({
  type: "integer",
  description,
  minimum: 0n,
  maximum: 4294967294n,
  hint: `write the numeric ${what === "user" ? "uid" : "gid"} (\`id -${what === "user" ? "u" : "g"} NAME\` prints it): policies are compiled without reading the host's ${what === "user" ? "/etc/passwd" : "/etc/group"}, so a ${what} name would mean different ids on different machines`
});
var PRIVILEGES_SCHEMA = {
  type: "object",
  description: "What of the invoking user's privileges `cordon run` hands the command. Absent: no Linux capabilities (also as root), the invoking user and group, the safe device set (/dev/null, zero, full, random, urandom, tty, ptmx, pts/*) and signals within the sandbox only.",
  properties: {
    capabilities: {
      type: "array",
      description: "Linux capabilities the command keeps (in its permitted, effective and bounding sets); every other one is dropped. Any case, with or without CAP_: CAP_NET_BIND_SERVICE, net_bind_service.",
      items: {
        type: "string",
        description: "A Linux capability of linux/capability.h, such as CAP_NET_BIND_SERVICE.",
        pattern: "^([Cc][Aa][Pp]_)?[A-Za-z_]+$",
        format: "linux-capability",
        code: "unknown-capability"
      }
    },
    user: id("user", "The uid the command runs as; default the invoking user's."),
    group: id(
      "group",
      "The gid the command runs as (supplementary groups are dropped); default the invoking user's."
    ),
    devices: {
      type: "array",
      description: "Device nodes the command may open or create beyond the safe set.",
      items: {
        type: "string",
        description: 'A device path ("/dev/fuse", its device number looked up at run), or "c MAJOR:MINOR" (character) / "b MAJOR:MINOR" (block), "*" for any minor: "c 10:229", "b 8:*".',
        pattern: "^(/.*|[cb] +[0-9]+:([0-9]+|\\*))$",
        format: "device"
      }
    },
    signals: {
      type: "string",
      description: "sandbox: the command signals only processes of its own sandbox; any: also processes outside it (as its uid allows). Default sandbox.",
      enum: ["sandbox", "any"]
    }
  }
};
var MEMORY_SCHEMA = {
  type: "object",
  description: "Memory protections, enforced with seccomp by `cordon run`.",
  required: ["writeExecute"],
  properties: {
    writeExecute: {
      type: "string",
      description: "deny (W^X): no mapping both writable and executable, no executable anonymous or shared memory, no memory made executable after it was mapped, no READ_IMPLIES_EXEC; allow: the kernel's defaults (JITs need them).",
      enum: ["allow", "deny"]
    }
  }
};
var DENO_SCHEMA = {
  type: "object",
  description: "Deno's own permissions, answered by Cordon as Deno's permission broker (`cordon deno`). A check no rule matches follows filesystem and network (a filesystem.read path is a read grant), then default.",
  properties: {
    default: {
      type: "string",
      description: "The answer when no rule and no filesystem/network path or endpoint decides: deny (the default) or allow.",
      enum: ["allow", "deny"]
    },
    rules: {
      type: "array",
      description: "Rules; among matching rules the highest priority wins, then the strictest action (deny, log, allow).",
      items: {
        type: "object",
        description: "What Cordon answers Deno for checks of one permission whose value matches.",
        required: ["permission", "action"],
        properties: {
          id: {
            type: "string",
            description: `The rule's id, unique in the policy; default "<policy name>#deno<index>".`,
            pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$",
            maxLength: 128
          },
          permission: {
            type: "string",
            description: "The Deno permission kind checked.",
            enum: ["read", "write", "net", "env", "run", "ffi", "sys", "import"]
          },
          values: {
            type: "array",
            description: "Values matched; absent: every value of the kind. read/write/ffi/run: an absolute path and what is below it (ffi and run also take bare names); net/import: host, host:port or *:port; env/sys: a name, a trailing * matching any suffix.",
            minItems: 1,
            items: {
              type: "string",
              description: "A path, host[:port] or name.",
              pattern: "^\\S+$",
              minLength: 1,
              maxLength: 4096
            }
          },
          action: {
            type: "string",
            description: "allow, deny (Deno raises NotCapable naming this rule), or log (allowed and reported).",
            enum: ["allow", "deny", "log"]
          },
          priority: {
            type: "integer",
            description: "Higher wins; at equal priority the strictest action wins. Default 0.",
            minimum: -(2n ** 31n),
            maximum: 2n ** 31n - 1n
          }
        }
      }
    }
  }
};
var ARG_SCHEMA = {
  type: "object",
  description: "A condition on one syscall argument; all conditions of a rule must hold.",
  required: ["index", "op", "value"],
  properties: {
    index: {
      type: "integer",
      description: "The argument's position, 0-5.",
      minimum: 0n,
      maximum: 5n,
      code: "bad-arg"
    },
    op: {
      type: "string",
      description: "The comparison; masked_eq tests (arg & mask) == value.",
      enum: ["eq", "ne", "lt", "le", "gt", "ge", "masked_eq"],
      code: "bad-arg"
    },
    value: argValue2("The value compared with, 64-bit."),
    mask: argValue2("For masked_eq only: the mask applied to the argument first.")
  }
};
var RULE_SCHEMA = {
  type: "object",
  description: "A rule: what happens to calls of the listed syscalls (whose args all hold).",
  required: ["syscalls", "action"],
  properties: {
    id: {
      type: "string",
      description: `The rule's id, unique in the policy; default "<policy name>#<index>".`,
      pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$",
      maxLength: 128
    },
    syscalls: {
      type: "array",
      description: "Syscall names (resolved per architecture) or numbers (per architecture).",
      minItems: 1,
      items: {
        type: "name-or-number",
        description: "A syscall name or number.",
        name: {
          type: "string",
          description: "A syscall name known on at least one architecture.",
          pattern: "^[a-z0-9_]+$",
          format: "syscall",
          code: "unknown-syscall"
        },
        number: {
          type: "integer",
          description: "A syscall number as the kernel sees it (x32 numbers include 0x40000000).",
          minimum: 0n,
          maximum: 0x7fffffffn
        }
      }
    },
    action: action("What happens to a matching call."),
    errno: errno("For deny: the errno returned; default spec.defaultErrno."),
    priority: {
      type: "integer",
      description: "Higher wins; at equal priority the strictest action wins. Default 0.",
      minimum: -(2n ** 31n),
      maximum: 2n ** 31n - 1n
    },
    args: {
      type: "array",
      description: "Conditions on the call's arguments, all of which must hold.",
      items: ARG_SCHEMA
    }
  }
};
var POLICY_SCHEMA = {
  type: "object",
  description: "A Cordon policy (one YAML document).",
  required: ["apiVersion", "kind", "metadata", "spec"],
  properties: {
    apiVersion: {
      type: "string",
      description: "The format version.",
      enum: [API_VERSION]
    },
    kind: { type: "string", description: "Always Policy.", enum: ["Policy"] },
    metadata: {
      type: "object",
      description: "Name and description.",
      required: ["name"],
      properties: {
        name: {
          type: "string",
          description: "The policy's name, unique within a policy set.",
          pattern: POLICY_NAME_PATTERN,
          maxLength: 128
        },
        description: { type: "string", description: "What the policy is for.", maxLength: 4096 }
      }
    },
    spec: {
      type: "object",
      description: "What the policy allows and denies.",
      properties: {
        extends: {
          type: "array",
          description: "Policies whose rules and capabilities are merged into this one: names of policies in the same set, or builtin:NAME.",
          items: {
            type: "string",
            description: "A policy name or builtin:NAME.",
            pattern: "^(builtin:)?[a-z0-9][a-z0-9-]*$",
            maxLength: 136
          }
        },
        target: {
          type: "object",
          description: "Which processes the policy applies to: every given field must match, any entry of a list. No target: what `cordon run` launches.",
          properties: {
            pids: {
              type: "array",
              description: "Process ids.",
              minItems: 1,
              items: { type: "integer", description: "A pid.", minimum: 1n, maximum: 4194304n }
            },
            comms: {
              type: "array",
              description: "Command names as the kernel keeps them (at most 15 bytes).",
              minItems: 1,
              items: { type: "string", description: "A comm.", minLength: 1, maxLength: 15 }
            },
            executables: { ...absolutePaths("Executable paths."), minItems: 1 },
            cgroups: { ...absolutePaths("cgroup v2 directories."), minItems: 1 },
            uids: {
              type: "array",
              description: "User ids.",
              minItems: 1,
              items: {
                type: "integer",
                description: "A uid.",
                minimum: 0n,
                maximum: 4294967294n
              }
            }
          }
        },
        defaultAction: action(
          "What happens to calls no rule matches. Required unless the policy extends one that sets it (then inherited)."
        ),
        defaultErrno: errno("The errno deny returns when a rule names none. Default EPERM."),
        mode: {
          type: "string",
          description: "enforce applies the policy; audit reports deny/kill/trap without applying them. Default enforce.",
          enum: ["enforce", "audit"]
        },
        capabilities: {
          type: "object",
          description: "Capability groups, expanded into rules at priority 0.",
          properties: {
            allow: capabilityNames2("Groups whose syscalls are allowed."),
            deny: capabilityNames2("Groups whose syscalls are denied.")
          }
        },
        rules: {
          type: "array",
          description: "Rules; among matching rules the highest priority wins.",
          items: RULE_SCHEMA
        },
        filesystem: {
          type: "object",
          description: "Path rules, enforced with Landlock by `cordon run`.",
          properties: {
            read: policyPaths("Paths (and what is below them) that may be read."),
            write: policyPaths("Paths (and what is below them) that may be written."),
            execute: policyPaths("Paths (and what is below them) that may be executed."),
            minAbi: {
              type: "integer",
              description: "The lowest Landlock ABI accepted; below it `cordon run` refuses.",
              minimum: 1n,
              maximum: 255n
            }
          }
        },
        network: {
          type: "object",
          description: "Endpoints, enforced with cgroup BPF (and Landlock TCP where available).",
          properties: {
            connect: endpoints("Endpoints the process may connect to."),
            bind: endpoints("Endpoints the process may bind."),
            unix: {
              type: "array",
              description: "Unix-domain sockets the process may connect (or send datagrams) to beyond its own: none unless listed.",
              items: {
                type: "string",
                description: 'A socket path ("/run/app.sock"), a directory of sockets with a trailing slash ("/run/app/"), or an abstract name ("@name").',
                pattern: "^[/@]",
                format: "unix-socket",
                code: "bad-path"
              }
            }
          }
        },
        privileges: PRIVILEGES_SCHEMA,
        memory: MEMORY_SCHEMA,
        deno: DENO_SCHEMA,
        limits: {
          type: "object",
          description: "Rate limits.",
          properties: {
            syscallsPerSecond: {
              type: "object",
              description: "At most max syscalls per second, then action.",
              required: ["max", "action"],
              properties: {
                max: {
                  type: "integer",
                  description: "Syscalls per second.",
                  minimum: 1n,
                  maximum: 4294967295n
                },
                action: action("What happens beyond max.")
              }
            }
          }
        }
      }
    }
  }
};

// policies/parse.ts
var DEFAULT_ERRNO = 1;
var DEFAULT_ACTION = "allow";
var DEFAULT_MODE = "enforce";
function parsePolicies(text, file, options = {}) {
  const { policies, errors } = parsePoliciesCollecting(text, file, options);
  if (errors.length > 0) throw new PolicyErrors(errors);
  return { policies };
}
function parsePoliciesCollecting(text, file, options = {}) {
  const limits = options.maxBytes === void 0 ? DEFAULT_YAML_LIMITS : {
    ...DEFAULT_YAML_LIMITS,
    maxBytes: options.maxBytes,
    maxFastBytes: Math.max(options.maxBytes, DEFAULT_YAML_LIMITS.maxFastBytes)
  };
  const ctx = new Context(text, file, options.baseDir);
  const tree = readYaml(text, limits);
  for (const issue of tree.issues) ctx.error(issue.code, issue.offset, issue.message);
  const policies = [];
  for (const doc of tree.docs) {
    validate(ctx, doc, POLICY_SCHEMA, void 0, void 0);
    const policy = buildPolicy(ctx, doc);
    if (policy !== void 0) policies.push(policy);
  }
  if (tree.docs.length === 0 && tree.issues.length === 0) {
    ctx.error("no-policy", 0, "no policy in the file (it is empty or only comments)");
  }
  const first = /* @__PURE__ */ new Map();
  const unique = [];
  for (const policy of policies) {
    const earlier = first.get(policy.name);
    if (earlier === void 0) {
      first.set(policy.name, policy);
      unique.push(policy);
    } else {
      const e = duplicateNameError(policy, earlier);
      ctx.error(e.code, offsetOf(ctx, policy.loc), e.description);
    }
  }
  return { policies: unique, errors: ctx.finish() };
}
function parsePolicyTexts(texts, options = {}) {
  const errors = [];
  const policies = [];
  const byName = /* @__PURE__ */ new Map();
  for (const { text, file, dir } of texts) {
    if (text instanceof PolicyError) {
      errors.push(text);
      continue;
    }
    const parsed = parsePoliciesCollecting(
      text,
      file,
      dir === void 0 ? options : { ...options, baseDir: dir }
    );
    errors.push(...parsed.errors);
    for (const policy of parsed.policies) {
      const earlier = byName.get(policy.name);
      if (earlier !== void 0) {
        errors.push(duplicateNameError(policy, earlier));
        continue;
      }
      byName.set(policy.name, policy);
      policies.push(policy);
    }
  }
  return { policies, errors };
}
function duplicateNameError(policy, earlier) {
  const at = earlier.loc;
  return new PolicyError(
    "duplicate-name",
    `duplicate policy name ${q(policy.name)} (first defined at ${formatLocation(at)})`,
    policy.loc.file,
    policy.loc.line,
    policy.loc.column
  );
}
function get(map, key) {
  if (map?.kind !== "map") return void 0;
  for (const entry of map.entries) if (entry.key.value === key) return entry.value;
  return void 0;
}
function keyOf(map, key) {
  if (map?.kind !== "map") return void 0;
  for (const entry of map.entries) if (entry.key.value === key) return entry.key;
  return void 0;
}
function str(node) {
  return node?.kind === "scalar" && typeof node.value === "string" ? node.value : void 0;
}
function int(node) {
  return node?.kind === "scalar" && typeof node.value === "bigint" && node.value >= BigInt(Number.MIN_SAFE_INTEGER) && node.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(node.value) : void 0;
}
function items(node) {
  return node?.kind === "seq" ? node.items : [];
}
function isAction(value) {
  return value !== void 0 && ["allow", "deny", "kill", "log", "trap", "kill_thread", "trace", "notify"].includes(value);
}
function errnoOf(node) {
  const name = str(node);
  return name !== void 0 ? errnoNumber(name) : int(node);
}
function buildPolicy(ctx, doc) {
  if (doc.kind !== "map") return void 0;
  const metadata = get(doc, "metadata");
  const nameNode = get(metadata, "name");
  const name = str(nameNode) ?? "";
  const spec = get(doc, "spec");
  const loc = ctx.loc(nameNode?.start ?? doc.start);
  const extendsList = items(get(spec, "extends")).flatMap((n) => {
    const v = str(n);
    return v === void 0 ? [] : [{ name: v, loc: ctx.loc(n.start) }];
  });
  const defaultAction = str(get(spec, "defaultAction"));
  const defaultErrnoNode = get(spec, "defaultErrno");
  const mode = str(get(spec, "mode"));
  const capabilities = get(spec, "capabilities");
  const groups = (key) => items(get(capabilities, key)).flatMap((n) => {
    const v = str(n);
    return v === void 0 ? [] : [{ name: v, loc: ctx.loc(n.start) }];
  });
  const rules = [];
  const ids = /* @__PURE__ */ new Map();
  items(get(spec, "rules")).forEach((node, index) => {
    const rule = buildRule(
      ctx,
      node,
      name,
      index,
      child(child(child(void 0, "spec"), "rules"), index)
    );
    if (rule === void 0) return;
    const idNode = get(node, "id");
    const seen = ids.get(rule.id);
    if (seen !== void 0) {
      ctx.error(
        "duplicate-id",
        idNode?.start ?? node.start,
        `duplicate rule id ${q(rule.id)} (also spec.rules[${seen}])`
      );
    } else {
      ids.set(rule.id, index);
    }
    rules.push(rule);
  });
  const policy = {
    name,
    extends: extendsList,
    defaultAction: isAction(defaultAction) ? defaultAction : DEFAULT_ACTION,
    defaultErrno: errnoOf(defaultErrnoNode) ?? DEFAULT_ERRNO,
    mode: mode === "audit" || mode === "enforce" ? mode : DEFAULT_MODE,
    capabilities: { allow: groups("allow"), deny: groups("deny") },
    rules,
    loc,
    explicit: {
      defaultAction: defaultAction !== void 0,
      defaultErrno: defaultErrnoNode !== void 0,
      mode: mode !== void 0
    }
  };
  const description = str(get(metadata, "description"));
  if (description !== void 0) policy.description = description;
  const target = buildTarget(get(spec, "target"));
  if (target !== void 0) policy.target = target;
  const filesystem = buildFilesystem(ctx, spec);
  if (filesystem !== void 0) policy.filesystem = filesystem;
  const network = buildNetwork(ctx, spec);
  if (network !== void 0) policy.network = network;
  const limits = buildLimits(ctx, get(spec, "limits"));
  if (limits !== void 0) policy.limits = limits;
  const privileges = buildPrivileges(ctx, spec);
  if (privileges !== void 0) policy.privileges = privileges;
  const memory = buildMemory(ctx, spec);
  if (memory !== void 0) policy.memory = memory;
  const deno = buildDeno(ctx, spec, name);
  if (deno !== void 0) policy.deno = deno;
  if (get(get(spec, "privileges"), "signals") !== void 0) {
    policy.explicit = { ...policy.explicit, signals: true };
  }
  const specKey = keyOf(doc, "spec");
  if (defaultAction === void 0 && extendsList.length === 0 && specKey !== void 0) {
    ctx.error(
      "missing-key",
      specKey.start,
      `${q(name || "the policy")} has no spec.defaultAction and extends no policy: write "defaultAction: deny" (only what the rules allow runs) or "defaultAction: allow" (everything the rules do not deny runs)`
    );
  }
  return policy;
}
function buildRule(ctx, node, policy, index, path) {
  if (node.kind !== "map") return void 0;
  const action2 = str(get(node, "action"));
  const syscalls = items(get(node, "syscalls")).flatMap((n) => {
    const name = str(n);
    if (name !== void 0) return [{ kind: "name", name, loc: ctx.loc(n.start) }];
    const nr = int(n);
    return nr === void 0 ? [] : [{ kind: "number", nr, loc: ctx.loc(n.start) }];
  });
  const errnoNode = get(node, "errno");
  if (errnoNode !== void 0 && action2 !== void 0 && action2 !== "deny") {
    ctx.error(
      "bad-value",
      keyOf(node, "errno").start,
      `${pathText(child(path, "errno"))} applies only to action "deny", not ${q(action2)}`
    );
  }
  const args = items(get(node, "args")).flatMap((n, i) => {
    const arg = buildArg(ctx, n, child(child(path, "args"), i));
    return arg === void 0 ? [] : [arg];
  });
  const rule = {
    id: str(get(node, "id")) ?? `${policy}#${index}`,
    policy,
    origin: "rule",
    syscalls,
    action: isAction(action2) ? action2 : "deny",
    priority: int(get(node, "priority")) ?? 0,
    args,
    loc: ctx.loc(node.start)
  };
  const errno3 = errnoOf(errnoNode);
  if (errno3 !== void 0) rule.errno = errno3;
  return rule;
}
function buildArg(ctx, node, path) {
  if (node.kind !== "map") return void 0;
  const op = str(get(node, "op"));
  const maskKey = keyOf(node, "mask");
  if (op === "masked_eq" && maskKey === void 0) {
    ctx.error("bad-arg", node.start, `${pathText(path)}: op "masked_eq" needs a "mask"`);
  } else if (op !== void 0 && op !== "masked_eq" && maskKey !== void 0) {
    ctx.error("bad-arg", maskKey.start, `${pathText(path)}: "mask" applies only to op "masked_eq"`);
  }
  const index = int(get(node, "index"));
  const value = scalarArg(ctx, get(node, "value"));
  const mask2 = scalarArg(ctx, get(node, "mask"));
  if (index === void 0 || index < 0 || index > 5 || op === void 0 || value === void 0) {
    return void 0;
  }
  const arg = {
    index,
    op,
    value,
    loc: ctx.loc(node.start)
  };
  if (mask2 !== void 0) arg.mask = mask2;
  return arg;
}
function scalarArg(ctx, node) {
  if (node?.kind !== "scalar") return void 0;
  if (typeof node.value === "bigint") return toU64(node.value);
  if (typeof node.value !== "string") return void 0;
  const quiet = new Context(ctx.text, ctx.file);
  return argValue(quiet, node, node.value, void 0);
}
function buildTarget(node) {
  if (node?.kind !== "map") return void 0;
  const target = {};
  const numbers = (key) => items(get(node, key)).flatMap((n) => int(n) ?? []);
  const strings = (key) => items(get(node, key)).flatMap((n) => str(n) ?? []);
  if (get(node, "pids") !== void 0) target.pids = numbers("pids");
  if (get(node, "comms") !== void 0) target.comms = strings("comms");
  if (get(node, "executables") !== void 0) target.executables = strings("executables");
  if (get(node, "cgroups") !== void 0) target.cgroups = strings("cgroups");
  if (get(node, "uids") !== void 0) target.uids = numbers("uids");
  return target;
}
function buildFilesystem(ctx, spec) {
  const key = keyOf(spec, "filesystem");
  const node = get(spec, "filesystem");
  if (key === void 0 || node?.kind !== "map") return void 0;
  const paths = (k) => items(get(node, k)).flatMap((n) => {
    const text = str(n);
    return text === void 0 ? [] : [policyPath(text, ctx.baseDir).path];
  });
  const fs = {
    read: paths("read"),
    write: paths("write"),
    execute: paths("execute"),
    loc: ctx.loc(key.start)
  };
  const minAbi = int(get(node, "minAbi"));
  if (minAbi !== void 0) fs.minAbi = minAbi;
  return fs;
}
function buildNetwork(ctx, spec) {
  const key = keyOf(spec, "network");
  const node = get(spec, "network");
  if (key === void 0 || node?.kind !== "map") return void 0;
  const endpoints2 = (k) => items(get(node, k)).flatMap((n) => {
    const text = str(n);
    if (text === void 0) return [];
    const parsed = parseEndpoint(text);
    return typeof parsed === "string" ? [] : [{ text, ...parsed, loc: ctx.loc(n.start) }];
  });
  const network = {
    connect: endpoints2("connect"),
    bind: endpoints2("bind"),
    loc: ctx.loc(key.start)
  };
  if (get(node, "unix") !== void 0) {
    const seen = /* @__PURE__ */ new Set();
    network.unix = items(get(node, "unix")).flatMap((n) => {
      const text = str(n);
      const parsed = text === void 0 ? "" : parseUnixSocket(text);
      if (typeof parsed === "string" || seen.has(`${parsed.kind} ${parsed.name}`)) return [];
      seen.add(`${parsed.kind} ${parsed.name}`);
      return [{ text, ...parsed, loc: ctx.loc(n.start) }];
    });
  }
  return network;
}
function names2(ctx, node, canonical) {
  const seen = /* @__PURE__ */ new Set();
  return items(node).flatMap((n) => {
    const text = str(n);
    const name = text === void 0 ? void 0 : canonical(text);
    if (name === void 0 || seen.has(name)) return [];
    seen.add(name);
    return [{ name, loc: ctx.loc(n.start) }];
  });
}
function buildPrivileges(ctx, spec) {
  const key = keyOf(spec, "privileges");
  const node = get(spec, "privileges");
  if (key === void 0 || node?.kind !== "map") return void 0;
  const signals = str(get(node, "signals"));
  const privileges = {
    capabilities: names2(ctx, get(node, "capabilities"), canonicalCapability),
    devices: names2(ctx, get(node, "devices"), (text) => {
      const device = parseDevice(text);
      return device.startsWith("!") ? void 0 : device;
    }),
    signals: signals === "any" ? "any" : "sandbox",
    loc: ctx.loc(key.start)
  };
  const idOf = (k) => {
    const n = get(node, k);
    const v = int(n);
    return v === void 0 || v < 0 || v > 4294967294 ? void 0 : { v, loc: ctx.loc(n.start) };
  };
  const user = idOf("user");
  if (user !== void 0) privileges.user = { uid: user.v, loc: user.loc };
  const group2 = idOf("group");
  if (group2 !== void 0) privileges.group = { gid: group2.v, loc: group2.loc };
  return privileges;
}
function buildMemory(ctx, spec) {
  const key = keyOf(spec, "memory");
  const node = get(spec, "memory");
  if (key === void 0 || node?.kind !== "map") return void 0;
  const writeExecute = str(get(node, "writeExecute"));
  return { writeExecute: writeExecute === "allow" ? "allow" : "deny", loc: ctx.loc(key.start) };
}
var DENO_KINDS = [
  "read",
  "write",
  "net",
  "env",
  "run",
  "ffi",
  "sys",
  "import"
];
function denoValueProblem(kind, value) {
  switch (kind) {
    case "read":
    case "write":
      return pathProblem(value);
    case "ffi":
    case "run":
      return value.includes("/") ? pathProblem(value) : void 0;
    case "net":
    case "import": {
      const m = /^(\*|\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+)(?::(\*|[0-9]+))?$/.exec(value);
      if (m === null) return "not host, host:port or *:port";
      if (m[2] !== void 0 && m[2] !== "*" && Number(m[2]) > 65535) return "port above 65535";
      if (m[1] === "*" && m[2] === void 0) return 'write "*:PORT", or leave out values';
      return void 0;
    }
    case "env":
    case "sys":
      return /^[^=\s*]*\*?$/.test(value) && value !== "" ? void 0 : "not a name (NAME or PREFIX*)";
  }
}
function buildDeno(ctx, spec, policy) {
  const key = keyOf(spec, "deno");
  const node = get(spec, "deno");
  if (key === void 0 || node?.kind !== "map") return void 0;
  const ids = /* @__PURE__ */ new Map();
  const rules = items(get(node, "rules")).flatMap((r, index) => {
    if (r.kind !== "map") return [];
    const permission = str(get(r, "permission"));
    const action2 = str(get(r, "action"));
    if (!DENO_KINDS.includes(permission ?? "")) return [];
    if (action2 !== "allow" && action2 !== "deny" && action2 !== "log") return [];
    const kind = permission;
    const idNode = get(r, "id");
    const id2 = str(idNode) ?? `${policy}#deno${index}`;
    const seen = ids.get(id2);
    if (seen !== void 0) {
      ctx.error(
        "duplicate-id",
        idNode?.start ?? r.start,
        `duplicate rule id ${q(id2)} (also spec.deno.rules[${seen}])`
      );
    } else {
      ids.set(id2, index);
    }
    const rule = {
      id: id2,
      permission: kind,
      action: action2,
      priority: int(get(r, "priority")) ?? 0,
      loc: ctx.loc(r.start)
    };
    if (get(r, "values") !== void 0) {
      const values = [];
      for (const v of items(get(r, "values"))) {
        const text = str(v);
        if (text === void 0) continue;
        const problem = denoValueProblem(kind, text);
        if (problem !== void 0) {
          ctx.error(
            kind === "read" || kind === "write" || text.includes("/") ? "bad-path" : "bad-value",
            v.start,
            `spec.deno.rules[${index}].values: ${q(text)} is ${problem} (a ${kind} value)`
          );
          continue;
        }
        values.push(text.startsWith("/") ? normalisePath(text, false) : text);
      }
      rule.values = values;
    }
    return [rule];
  });
  const defaultNode = get(node, "default");
  const def = str(defaultNode);
  return {
    rules,
    default: def === "allow" ? "allow" : "deny",
    defaultLoc: ctx.loc(defaultNode?.start ?? key.start),
    defaultWritten: def !== void 0,
    loc: ctx.loc(key.start)
  };
}
function buildLimits(ctx, node) {
  if (node?.kind !== "map") return void 0;
  const sps = get(node, "syscallsPerSecond");
  const max = int(get(sps, "max"));
  const action2 = str(get(sps, "action"));
  if (sps === void 0 || max === void 0 || !isAction(action2)) return {};
  return {
    syscallsPerSecond: { max, action: action2, loc: ctx.loc(keyOf(node, "syscallsPerSecond").start) }
  };
}

// policies/builtin_profiles.ts
function syscallsOf(...groups) {
  const names3 = groups.flatMap((name) => {
    const group2 = CAPABILITY_GROUPS[name];
    if (!group2) throw new Error(`Unknown capability group "${name}"`);
    return group2.syscalls;
  });
  return `[${[...new Set(names3)].sort().join(", ")}]`;
}
var AF_UNIX = 1;
var AF_INET = 2;
var AF_INET6 = 10;
var AF_NETLINK = 16;
var NETLINK_ROUTE = 0;
var IPPROTO_TCP = 6;
var IPPROTO_UDP = 17;
var SOCK_RAW = 3;
var SOCKET_KIND_DENIES = Object.freeze(
  [
    {
      id: "families",
      description: "families other than AF_UNIX, AF_INET, AF_INET6 and AF_NETLINK (AF_PACKET, AF_VSOCK, AF_ALG, AF_BLUETOOTH, …)",
      args: [AF_UNIX, AF_INET, AF_INET6, AF_NETLINK].map((value) => ({
        index: 0,
        op: "ne",
        value
      }))
    },
    {
      id: "types-8-15",
      description: "types 8–15, among them SOCK_PACKET (a packet socket even under AF_INET)",
      args: [{ index: 1, op: "masked_eq", mask: 8, value: 8 }]
    },
    {
      id: "types-4-7",
      description: "SOCK_RDM, SOCK_SEQPACKET (SCTP), SOCK_DCCP outside AF_UNIX",
      args: [{ index: 1, op: "masked_eq", mask: 4, value: 4 }, {
        index: 0,
        op: "ne",
        value: AF_UNIX
      }]
    },
    {
      id: "raw",
      description: "SOCK_RAW outside AF_NETLINK (raw IP sockets)",
      args: [{ index: 1, op: "masked_eq", mask: 15, value: SOCK_RAW }, {
        index: 0,
        op: "ne",
        value: AF_NETLINK
      }]
    },
    {
      id: "netlink-protocols",
      description: "netlink protocols other than NETLINK_ROUTE (audit, netfilter, uevents, …)",
      args: [{ index: 0, op: "eq", value: AF_NETLINK }, {
        index: 2,
        op: "ne",
        value: NETLINK_ROUTE
      }]
    },
    ...[[AF_INET, "inet"], [AF_INET6, "inet6"]].map(([family, name]) => ({
      id: `${name}-protocols`,
      description: `${name === "inet" ? "IPv4" : "IPv6"} protocols other than TCP and UDP (ICMP ping sockets, SCTP, UDP-Lite, MPTCP, …)`,
      args: [
        { index: 0, op: "eq", value: family },
        ...[0, IPPROTO_TCP, IPPROTO_UDP].map((value) => ({ index: 2, op: "ne", value }))
      ]
    }))
  ]
);
function socketKindRules(prefix, priority) {
  return SOCKET_KIND_DENIES.map(
    (deny) => [
      `    - id: ${prefix}${deny.id}`,
      "      syscalls: [socket, socketpair]",
      "      action: deny",
      "      errno: EACCES",
      `      priority: ${priority}`,
      "      args:",
      ...deny.args.map(
        (c) => `        - { index: ${c.index}, op: ${c.op}, ${c.mask === void 0 ? "" : `mask: 0x${c.mask.toString(16)}, `}value: ${c.value} }`
      )
    ].join("\n")
  ).join("\n");
}
var CLONE_NEW_ANY = 2114060416;
var TIOCSTI = 21522;
var TIOCLINUX = 21532;
var BASELINE = `# Cordon builtin:baseline (see policies/builtin_profiles.ts for the reasoning).
apiVersion: cordon/v1
kind: Policy
metadata:
  name: baseline
  description: Default-deny base for local command-line programs, without network access
spec:
  defaultAction: deny
  defaultErrno: EPERM
  capabilities:
    allow:
      - fs.read
      - fs.write
      - fs.create
      - fs.delete
      - fs.metadata
      - fs.attributes
      - fs.watch
      - proc.basic
      - proc.sched
      - proc.spawn
      - proc.exec
      - mem
      - time
      - signal
      - ipc
      - sandbox
  rules:
    - id: baseline-no-io-uring
      syscalls: ${syscallsOf("io_uring")}
      action: deny
      errno: ENOSYS
      priority: 1000
    - id: baseline-no-debug
      syscalls: ${syscallsOf("proc.debug")}
      action: kill
      priority: 1000
    - id: baseline-no-kernel-code
      syscalls: ${syscallsOf("module", "reboot")}
      action: kill
      priority: 1000
    - id: baseline-no-bpf
      syscalls: ${syscallsOf("bpf")}
      action: deny
      priority: 1000
    - id: baseline-no-mount
      syscalls: ${syscallsOf("mount")}
      action: deny
      priority: 1000
    - id: baseline-no-keyring
      syscalls: ${syscallsOf("keyring")}
      action: deny
      priority: 1000
    - id: baseline-no-namespaces
      syscalls: ${syscallsOf("proc.namespace")}
      action: deny
      priority: 1000
    - id: baseline-clone-without-namespaces
      syscalls: [clone]
      action: allow
      priority: 900
      args:
        - { index: 0, op: masked_eq, mask: ${CLONE_NEW_ANY}, value: 0 }
    - id: baseline-no-clone-namespaces
      syscalls: [clone]
      action: deny
      priority: 899
    - id: baseline-clone3-fallback
      syscalls: [clone3]
      action: deny
      errno: ENOSYS
      priority: 900
    # posix_spawn(POSIX_SPAWN_RESETIDS) (make, among others) sets the effective ids to the real
    # ones with setresuid(-1, uid, -1). With real and saved ids left alone (-1) only the effective
    # id changes, to a value the kernel checks against what the process already holds: no gain.
    - id: baseline-reset-effective-ids
      syscalls: [setresuid, setresuid32, setresgid, setresgid32]
      action: allow
      priority: 900
      args:
        - { index: 0, op: eq, value: 0xffffffff }
        - { index: 2, op: eq, value: 0xffffffff }
    - id: baseline-no-tiocsti
      syscalls: [ioctl]
      action: deny
      priority: 900
      args:
        - { index: 1, op: masked_eq, mask: 0xffffffff, value: ${TIOCSTI} }
    - id: baseline-no-tioclinux
      syscalls: [ioctl]
      action: deny
      priority: 900
      args:
        - { index: 1, op: masked_eq, mask: 0xffffffff, value: ${TIOCLINUX} }
    # Socket kinds no ordinary program needs, whatever a child's capability groups allow
    # (SOCKET_KIND_DENIES); the i386 multiplexer hides the arguments behind a pointer, so it
    # answers ENOSYS (a C library that falls back then uses the direct calls, decided above).
${socketKindRules("baseline-socket-", 1e3)}
    - id: baseline-no-socketcall
      syscalls: [socketcall]
      action: deny
      errno: ENOSYS
      priority: 1000
    - id: baseline-unix-sockets
      syscalls: [socket]
      action: allow
      priority: 10
      args:
        - { index: 0, op: eq, value: AF_UNIX }
    - id: baseline-socket-io
      syscalls: [connect, getpeername, getsockname, getsockopt, recvfrom, recvmmsg, recvmmsg_time64, recvmsg, sendmmsg, sendmsg, sendto, setsockopt, shutdown]
      action: allow
      priority: 10
  filesystem:
    execute: [/usr, /bin, /sbin, /lib, /lib32, /lib64, /libx32, /opt]
`;
var BUILTIN_PROFILES = Object.freeze({
  "builtin:baseline": BASELINE
});

// policies/resolve.ts
var BUILTIN = "builtin:";
var builtinCache = /* @__PURE__ */ new Map();
function builtin(name) {
  const cached = builtinCache.get(name);
  if (cached !== void 0) return cached;
  const file = `${BUILTIN}${name}`;
  const text = Object.hasOwn(BUILTIN_PROFILES, file) ? BUILTIN_PROFILES[file] : void 0;
  if (text === void 0) return void 0;
  let out;
  try {
    const set = parsePolicies(text, file);
    const byName = new Map(set.policies.map((p) => [p.name, p]));
    const policy = byName.get(name) ?? (set.policies.length === 1 ? set.policies[0] : void 0);
    out = policy === void 0 ? [
      new PolicyError(
        "extends-unknown",
        `builtin profile text has no policy ${q2(name)}`,
        file,
        1,
        1
      )
    ] : { scope: { byName }, policy };
  } catch (e) {
    if (!(e instanceof PolicyErrors)) throw e;
    out = e.errors;
  }
  builtinCache.set(name, out);
  return out;
}
function q2(value) {
  return JSON.stringify(value);
}
function resolvePolicies(set) {
  return new Resolver(set).run();
}
var Resolver = class {
  #set;
  #user;
  #errors = [];
  #done = /* @__PURE__ */ new Map();
  #active = [];
  #capabilityRules = /* @__PURE__ */ new Map();
  constructor(set) {
    this.#set = set;
    const byName = /* @__PURE__ */ new Map();
    for (const policy of set.policies) {
      const earlier = byName.get(policy.name);
      if (earlier === void 0) byName.set(policy.name, policy);
      else {
        this.#error(
          "duplicate-name",
          policy.loc,
          `duplicate policy name ${q2(policy.name)} (first defined at ${formatLocation(earlier.loc)})`
        );
      }
    }
    this.#user = { byName };
  }
  run() {
    const out = [];
    for (const policy of this.#set.policies) {
      const r = this.#resolve(policy, this.#user);
      const layer = {
        name: policy.name,
        defaultAction: r.defaultAction?.value ?? DEFAULT_ACTION,
        defaultErrno: r.defaultErrno?.value ?? DEFAULT_ERRNO,
        mode: r.mode?.value ?? DEFAULT_MODE,
        rules: r.rules,
        loc: policy.loc
      };
      if (policy.target !== void 0) layer.target = policy.target;
      if (r.filesystem !== void 0) layer.filesystem = r.filesystem;
      if (r.network !== void 0) layer.network = r.network;
      if (r.deno !== void 0) layer.deno = r.deno;
      if (r.privileges !== void 0) {
        const privileges = {
          capabilities: r.privileges.capabilities,
          devices: r.privileges.devices,
          signals: r.signals?.value ?? "sandbox",
          loc: r.privileges.loc
        };
        if (r.user !== void 0) privileges.user = r.user.value;
        if (r.group !== void 0) privileges.group = r.group.value;
        layer.privileges = privileges;
      }
      if (r.memory !== void 0) layer.memory = r.memory.value;
      if (policy.limits !== void 0 || r.syscallsPerSecond !== void 0) {
        layer.limits = r.syscallsPerSecond === void 0 ? {} : { syscallsPerSecond: r.syscallsPerSecond.value };
      }
      out.push(layer);
    }
    if (this.#errors.length > 0) throw new PolicyErrors(this.#errors);
    return out;
  }
  #error(code, loc, message) {
    this.#errors.push(new PolicyError(code, message, loc.file, loc.line, loc.column));
  }
  #resolve(policy, scope) {
    const done = this.#done.get(policy);
    if (done !== void 0) return done;
    this.#active.push(policy);
    const parents = [];
    for (const entry of policy.extends) {
      const found = this.#lookup(entry, scope);
      if (found === void 0) continue;
      const at = this.#active.indexOf(found.policy);
      if (at !== -1) {
        const cycle = [...this.#active.slice(at), found.policy].map((p) => q2(p.name)).join(" -> ");
        this.#error("extends-cycle", entry.loc, `extends cycle: ${cycle}`);
        continue;
      }
      parents.push(this.#resolve(found.policy, found.scope));
    }
    this.#active.pop();
    const result = this.#merge(policy, parents);
    this.#done.set(policy, result);
    return result;
  }
  #lookup(entry, scope) {
    if (entry.name.startsWith(BUILTIN)) {
      const name = entry.name.slice(BUILTIN.length);
      const found = builtin(name);
      if (found === void 0) {
        const known = Object.keys(BUILTIN_PROFILES).sort().map(q2).join(", ");
        this.#error(
          "extends-unknown",
          entry.loc,
          `unknown builtin profile ${q2(entry.name)} (known: ${known})`
        );
        return void 0;
      }
      if (Array.isArray(found)) {
        this.#errors.push(...found);
        return void 0;
      }
      return found;
    }
    const policy = scope.byName.get(entry.name);
    if (policy === void 0) {
      this.#error(
        "extends-unknown",
        entry.loc,
        `unknown policy ${q2(entry.name)} in extends (not in the policy set)`
      );
      return void 0;
    }
    return { policy, scope };
  }
  #ownCapabilityRules(policy) {
    const cached = this.#capabilityRules.get(policy);
    if (cached !== void 0) return cached;
    const rules = [];
    for (const kind of ["allow", "deny"]) {
      for (const { name, loc } of policy.capabilities[kind]) {
        const group2 = capabilityGroup(name);
        if (group2 === void 0) {
          this.#error("unknown-capability", loc, `unknown capability group ${q2(name)}`);
          continue;
        }
        rules.push({
          id: `${policy.name}:cap:${kind}:${name}`,
          policy: policy.name,
          origin: "capability",
          syscalls: group2.syscalls.map((syscall) => ({ kind: "name", name: syscall, loc })),
          action: kind,
          priority: 0,
          args: [],
          loc
        });
      }
    }
    this.#capabilityRules.set(policy, rules);
    return rules;
  }
  #merge(policy, parents) {
    const seen = /* @__PURE__ */ new Set();
    const rules = [];
    const add = (rule) => {
      if (seen.has(rule)) return;
      seen.add(rule);
      rules.push(rule);
    };
    for (const parent of parents) parent.rules.forEach(add);
    this.#ownCapabilityRules(policy).forEach(add);
    policy.rules.forEach(add);
    const out = { rules };
    const defaultAction = inherit(
      policy.explicit.defaultAction ? policy.defaultAction : void 0,
      parents.map((p) => p.defaultAction)
    );
    if (defaultAction !== void 0) out.defaultAction = defaultAction;
    const defaultErrno = inherit(
      policy.explicit.defaultErrno ? policy.defaultErrno : void 0,
      parents.map((p) => p.defaultErrno)
    );
    if (defaultErrno !== void 0) out.defaultErrno = defaultErrno;
    const mode = inherit(
      policy.explicit.mode ? policy.mode : void 0,
      parents.map((p) => p.mode)
    );
    if (mode !== void 0) out.mode = mode;
    const sps = inherit(policy.limits?.syscallsPerSecond, parents.map((p) => p.syscallsPerSecond));
    if (sps !== void 0) out.syscallsPerSecond = sps;
    const filesystem = mergeFilesystem(policy.filesystem, parents.map((p) => p.filesystem));
    if (filesystem !== void 0) out.filesystem = filesystem;
    const network = mergeNetwork(policy.network, parents.map((p) => p.network));
    if (network !== void 0) out.network = network;
    const deno = mergeDeno(policy.deno, parents.map((p) => p.deno));
    if (deno !== void 0) out.deno = deno;
    const memory = inherit(policy.memory, parents.map((p) => p.memory));
    if (memory !== void 0) out.memory = memory;
    const own = policy.privileges;
    const privileges = mergePrivileges(own, parents.map((p) => p.privileges));
    if (privileges !== void 0) out.privileges = privileges;
    const user = inherit(own?.user, parents.map((p) => p.user));
    if (user !== void 0) out.user = user;
    const group2 = inherit(own?.group, parents.map((p) => p.group));
    if (group2 !== void 0) out.group = group2;
    const signals = inherit(
      own !== void 0 && policy.explicit.signals === true ? own.signals : void 0,
      parents.map((p) => p.signals)
    );
    if (signals !== void 0) out.signals = signals;
    return out;
  }
};
function inherit(own, parents) {
  if (own !== void 0) return { value: own, distance: 0 };
  let best;
  for (const p of parents) {
    if (p !== void 0 && (best === void 0 || p.distance + 1 < best.distance)) {
      best = { value: p.value, distance: p.distance + 1 };
    }
  }
  return best;
}
function union(lists, key) {
  const seen = /* @__PURE__ */ new Set();
  const out = [];
  for (const list of lists) {
    for (const item of list) {
      const k = key(item);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(item);
    }
  }
  return out;
}
function mergeFilesystem(own, parents) {
  const all = [...parents, own].filter((f3) => f3 !== void 0);
  const first = own ?? all[0];
  if (first === void 0) return void 0;
  if (all.length === 1) return first;
  const same = (s) => s;
  const out = {
    read: union(all.map((f3) => f3.read), same),
    write: union(all.map((f3) => f3.write), same),
    execute: union(all.map((f3) => f3.execute), same),
    loc: first.loc
  };
  const abis = all.flatMap((f3) => f3.minAbi ?? []);
  if (abis.length > 0) out.minAbi = Math.max(...abis);
  return out;
}
function mergeNetwork(own, parents) {
  const all = [...parents, own].filter((n) => n !== void 0);
  const first = own ?? all[0];
  if (first === void 0) return void 0;
  if (all.length === 1) return first;
  const text = (e) => e.text;
  const out = {
    connect: union(all.map((n) => n.connect), text),
    bind: union(all.map((n) => n.bind), text),
    loc: first.loc
  };
  if (all.some((n) => n.unix !== void 0)) {
    const socket = (u) => `${u.kind} ${u.name}`;
    out.unix = union(all.map((n) => n.unix ?? []), socket);
  }
  return out;
}
function mergeDeno(own, parents) {
  const all = [...parents, own].filter((d) => d !== void 0);
  const first = own ?? all[0];
  if (first === void 0) return void 0;
  if (all.length === 1) return first;
  const decided = own?.defaultWritten ? own : parents.find((d) => d?.defaultWritten) ?? first;
  return {
    rules: [...new Set(all.flatMap((d) => d.rules))],
    default: decided.default,
    defaultLoc: decided.defaultLoc,
    defaultWritten: decided.defaultWritten,
    loc: first.loc
  };
}
function mergePrivileges(own, parents) {
  const all = [...parents, own].filter((p) => p !== void 0);
  const first = own ?? all[0];
  if (first === void 0) return void 0;
  const name = (n) => n.name;
  return {
    capabilities: union(all.map((p) => p.capabilities), name),
    devices: union(all.map((p) => p.devices), name),
    signals: first.signals,
    loc: first.loc
  };
}

// policies/syscall_arg_width.ts
var TYPES_16 = /* @__PURE__ */ new Set(["umode_t", "old_uid_t", "old_gid_t"]);
var SIGNED_32 = /* @__PURE__ */ new Set([
  "int",
  "signed int",
  "signed",
  "__s32",
  "s32",
  "pid_t",
  "key_serial_t",
  "key_t",
  "clockid_t",
  "timer_t",
  "mqd_t",
  "rwf_t"
]);
var UNSIGNED_32 = /* @__PURE__ */ new Set([
  "unsigned int",
  "unsigned",
  "__u32",
  "u32",
  "uid_t",
  "gid_t",
  "qid_t",
  "dev_t",
  "mode_t"
]);
var TYPES_64 = /* @__PURE__ */ new Set([
  "long",
  "unsigned long",
  "size_t",
  "ssize_t",
  "off_t",
  "loff_t",
  "__u64",
  "u64",
  "__s64",
  "aio_context_t",
  "cap_user_header_t",
  "cap_user_data_t"
]);
var I386_OLD_ID_ARGS = {
  chown: [1, 2],
  lchown: [1, 2],
  fchown: [1, 2],
  setuid: [0],
  setgid: [0],
  setfsuid: [0],
  setfsgid: [0],
  setreuid: [0, 1],
  setregid: [0, 1],
  setresuid: [0, 1, 2],
  setresgid: [0, 1, 2]
};
var classified = /* @__PURE__ */ new Map();
function classify(type) {
  if (classified.has(type)) return classified.get(type);
  const result = classifyUncached(type);
  classified.set(type, result);
  return result;
}
function classifyUncached(type) {
  if (type.includes("*")) return { width: 64, signed: false };
  const bare = type.replace(/\b(const|volatile)\b/g, "").replace(/\s+/g, " ").trim();
  if (TYPES_16.has(bare)) return { width: 16, signed: false };
  if (SIGNED_32.has(bare)) return { width: 32, signed: true };
  if (UNSIGNED_32.has(bare)) return { width: 32, signed: false };
  if (bare.startsWith("enum ")) return { width: 32, signed: false };
  if (TYPES_64.has(bare)) return { width: 64, signed: bare === "long" || bare === "ssize_t" };
  return void 0;
}
function representation(name, arch, index) {
  const args = name === null ? void 0 : syscallArgKinds(name, arch);
  const arg = args?.[index];
  const native = arg === void 0 ? void 0 : classify(arg.type);
  if (arch !== "i386") return native;
  if (name !== null && I386_OLD_ID_ARGS[name]?.includes(index)) {
    return { width: 16, signed: false };
  }
  if (native?.width === 16) return native;
  return { width: 32, signed: native?.signed ?? false };
}
function syscallArgWidth(name, arch, index) {
  return representation(name, arch, index)?.width;
}

// compile/implied_rules.ts
var IMPLIED_PRIORITY = 1e3;
function constant(name) {
  const value = resolveConstant(name);
  if (value === void 0) throw new Error(`implied rules: no constant ${name}`);
  return value;
}
function errno2(name) {
  const value = errnoNumber(name);
  if (value === void 0) throw new Error(`implied rules: no errno ${name}`);
  return value;
}
var EPERM = errno2("EPERM");
var EACCES = errno2("EACCES");
var ENOSYS = errno2("ENOSYS");
var AT_EMPTY_PATH = constant("AT_EMPTY_PATH");
var PROT_WRITE = constant("PROT_WRITE");
var PROT_EXEC = constant("PROT_EXEC");
var MAP_SHARED = constant("MAP_SHARED");
var MAP_ANONYMOUS = constant("MAP_ANONYMOUS");
var AF_INET2 = constant("AF_INET");
var AF_INET62 = constant("AF_INET6");
var AF_NETLINK2 = constant("AF_NETLINK");
var SOCK_STREAM = constant("SOCK_STREAM");
var SOCK_DGRAM = constant("SOCK_DGRAM");
var MFD_NOEXEC_SEAL = 0x8n;
var SHM_EXEC = 0x8000n;
var IPC_SHMAT = 21n;
var READ_IMPLIES_EXEC = 0x0400000n;
var PERSONALITY_QUERY = 0xffffffffn;
var SOCK_TYPE_MASK = 0xfn;
function cond(index, op, value) {
  return { index, op, value };
}
function masked(index, mask2, value) {
  return { index, op: "masked_eq", mask: mask2, value };
}
var FD_EXEC = [
  {
    name: "no-fd-exec",
    syscalls: ["execveat"],
    errno: EACCES,
    args: [masked(4, AT_EMPTY_PATH, AT_EMPTY_PATH)]
  }
];
var TTY_INJECTION = [
  { name: "no-tiocsti", syscalls: ["ioctl"], errno: EPERM, args: [cond(1, "eq", 0x5412n)] },
  { name: "no-tioclinux", syscalls: ["ioctl"], errno: EPERM, args: [cond(1, "eq", 0x541cn)] }
];
var MEMFD_NOEXEC = [
  {
    name: "memfd-noexec",
    syscalls: ["memfd_create"],
    errno: EACCES,
    args: [masked(1, MFD_NOEXEC_SEAL, 0n)]
  }
];
function wxSpecs(arch) {
  const mmaps = arch === "i386" ? ["mmap2"] : ["mmap", "mmap2"];
  const specs = [
    {
      name: "wx-mmap-write-exec",
      syscalls: mmaps,
      errno: EPERM,
      args: [masked(2, PROT_WRITE | PROT_EXEC, PROT_WRITE | PROT_EXEC)]
    },
    {
      name: "wx-mmap-anonymous-exec",
      syscalls: mmaps,
      errno: EPERM,
      args: [masked(2, PROT_EXEC, PROT_EXEC), masked(3, MAP_ANONYMOUS, MAP_ANONYMOUS)]
    },
    {
      name: "wx-mmap-shared-exec",
      syscalls: mmaps,
      errno: EPERM,
      args: [masked(2, PROT_EXEC, PROT_EXEC), masked(3, MAP_SHARED, MAP_SHARED)]
    },
    {
      name: "wx-mprotect-exec",
      syscalls: ["mprotect", "pkey_mprotect"],
      errno: EPERM,
      args: [masked(2, PROT_EXEC, PROT_EXEC)]
    },
    {
      name: "wx-shmat-exec",
      syscalls: ["shmat"],
      errno: EPERM,
      args: [masked(2, SHM_EXEC, SHM_EXEC)]
    },
    {
      name: "wx-read-implies-exec",
      syscalls: ["personality"],
      errno: EPERM,
      args: [masked(0, READ_IMPLIES_EXEC, READ_IMPLIES_EXEC), cond(0, "ne", PERSONALITY_QUERY)]
    },
    {
      name: "wx-no-memfd",
      syscalls: ["memfd_create", "memfd_secret", "remap_file_pages", "userfaultfd"],
      errno: EPERM,
      args: []
    }
  ];
  if (arch === "i386") {
    specs.push({
      name: "wx-ipc-shmat-exec",
      syscalls: ["ipc"],
      errno: EPERM,
      args: [masked(0, 0xffffn, IPC_SHMAT), masked(2, SHM_EXEC, SHM_EXEC)]
    }, {
      name: "wx-old-mmap",
      syscalls: ["mmap"],
      errno: EPERM,
      args: []
    });
  }
  return specs;
}
function socketSpecs(policy) {
  const network = policy.network;
  const specs = SOCKET_KIND_DENIES.map((deny) => ({
    name: `socket-${deny.id}`,
    syscalls: ["socket", "socketpair"],
    errno: EACCES,
    args: deny.args.map((c) => {
      const out = {
        index: c.index,
        op: c.op,
        value: BigInt(c.value)
      };
      if (c.mask !== void 0) out.mask = BigInt(c.mask);
      return out;
    })
  }));
  const endpoints2 = [...network.connect, ...network.bind];
  const families = [[AF_INET2, "inet"], [AF_INET62, "inet6"]];
  if (endpoints2.length === 0) {
    for (const [family, name] of [...families, [AF_NETLINK2, "netlink"]]) {
      specs.push({
        name: `socket-no-${name}`,
        syscalls: ["socket", "socketpair"],
        errno: EACCES,
        args: [cond(0, "eq", family)]
      });
    }
  } else {
    const tcp = endpoints2.some((e) => e.protocol !== "udp");
    const udp = endpoints2.some((e) => e.protocol !== "tcp");
    for (const [needed, type, kind] of [[tcp, SOCK_STREAM, "stream"], [
      udp,
      SOCK_DGRAM,
      "dgram"
    ]]) {
      if (needed) continue;
      for (const [family, name] of families) {
        specs.push({
          name: `socket-no-${name}-${kind}`,
          syscalls: ["socket", "socketpair"],
          errno: EACCES,
          args: [cond(0, "eq", family), masked(1, SOCK_TYPE_MASK, type)]
        });
      }
    }
  }
  specs.push({ name: "socketcall", syscalls: ["socketcall"], errno: ENOSYS, args: [] });
  return specs;
}
function impliedRules(policy, arch) {
  const groups = [
    [FD_EXEC, policy.loc],
    [TTY_INJECTION, policy.loc]
  ];
  const wx = policy.memory?.writeExecute === "deny";
  if ((policy.filesystem?.execute.length ?? 0) > 0 && !wx) {
    groups.push([MEMFD_NOEXEC, policy.filesystem.loc]);
  }
  if (wx) groups.push([wxSpecs(arch), policy.memory.loc]);
  if (policy.network !== void 0) groups.push([socketSpecs(policy), policy.network.loc]);
  return groups.flatMap(([specs, loc]) => specs.map((spec) => toRule(policy, spec, loc)));
}
var made = /* @__PURE__ */ new WeakMap();
function toRule(policy, spec, loc) {
  let byKey = made.get(policy);
  if (byKey === void 0) made.set(policy, byKey = /* @__PURE__ */ new Map());
  const key = `${spec.name} ${spec.syscalls.join(",")}`;
  const cached = byKey.get(key);
  if (cached !== void 0) return cached;
  const rule = makeRule(policy, spec, loc);
  byKey.set(key, rule);
  return rule;
}
function makeRule(policy, spec, loc) {
  return {
    id: `${policy.name}:implied:${spec.name}`,
    policy: policy.name,
    origin: "rule",
    syscalls: spec.syscalls.map((name) => ({ kind: "name", name, loc })),
    action: "deny",
    errno: spec.errno,
    priority: IMPLIED_PRIORITY,
    args: spec.args.map((c) => ({ ...c, loc })),
    loc
  };
}

// compile/compile.ts
var ENOSYS2 = 38;
var U64_MAX2 = (1n << 64n) - 1n;
var AUDITED_ACTIONS = /* @__PURE__ */ new Set(["deny", "kill", "kill_thread", "trap"]);
function compilePolicies(policies, options = {}) {
  const wanted = options.arches ?? ARCHES;
  for (const arch of wanted) {
    if (!ARCHES.includes(arch)) {
      throw new RangeError(`Unknown architecture "${arch}"; expected one of ${ARCHES.join(", ")}`);
    }
  }
  const arches = ARCHES.filter((arch) => wanted.includes(arch));
  const unknownSyscalls = options.unknownSyscalls ?? "enosys";
  return {
    version: 1,
    layers: policies.map((policy) => compileLayer(policy, arches, unknownSyscalls))
  };
}
function compileLayer(policy, arches, unknownSyscalls) {
  const ruleDecisions = /* @__PURE__ */ new Map();
  const decide = (rule) => {
    let decision = ruleDecisions.get(rule);
    if (decision === void 0) {
      decision = makeDecision(policy, rule.action, rule.errno, rule.id, rule.loc);
      ruleDecisions.set(rule, decision);
    }
    return decision;
  };
  const fallback = makeDecision(policy, policy.defaultAction, void 0, null, policy.loc);
  const unknown = unknownSyscalls === "enosys" && strictness(policy.defaultAction) >= strictness("deny") ? makeDecision(policy, "deny", ENOSYS2, null, policy.loc) : fallback;
  const candidates2 = policy.rules.map((rule, index) => ({
    rule,
    index,
    strictness: strictness(rule.action)
  }));
  const testsOf2 = ruleTestsCache();
  const layer = {
    policy: policy.name,
    mode: policy.mode,
    defaultAction: policy.defaultAction,
    defaultErrno: policy.defaultErrno,
    arches: arches.map(
      (arch) => compileArch(
        arch,
        [...candidates2, ...impliedCandidates(policy, arch)],
        testsOf2,
        decide,
        fallback,
        unknown
      )
    ),
    loc: policy.loc
  };
  if (policy.target !== void 0) layer.target = policy.target;
  if (policy.filesystem !== void 0) layer.filesystem = policy.filesystem;
  if (policy.network !== void 0) layer.network = policy.network;
  if (policy.limits !== void 0) layer.limits = policy.limits;
  if (policy.privileges !== void 0) layer.privileges = policy.privileges;
  if (policy.memory !== void 0) layer.memory = policy.memory;
  return layer;
}
function impliedCandidates(policy, arch) {
  return impliedRules(policy, arch).map((rule, i) => ({
    rule,
    index: policy.rules.length + i,
    strictness: strictness(rule.action)
  }));
}
function compileArch(arch, candidates2, testsOf2, decide, fallback, unknown) {
  const table = syscallTable(arch);
  const bit = arch === "x32" ? X32_SYSCALL_BIT : 0;
  const names3 = /* @__PURE__ */ new Map();
  for (const [nr, name] of table.byNumber) names3.set((nr | bit) >>> 0, name);
  const byNr = /* @__PURE__ */ new Map();
  for (const candidate of candidates2) {
    for (const ref of candidate.rule.syscalls) {
      let nr;
      if (ref.kind === "name") {
        nr = table.byName.get(ref.name);
        if (nr === void 0) continue;
        nr = (nr | bit) >>> 0;
      } else {
        nr = bit !== 0 && ref.nr >= 0 && ref.nr < bit ? (ref.nr | bit) >>> 0 : ref.nr;
        if (!names3.has(nr)) names3.set(nr, null);
      }
      let list = byNr.get(nr);
      if (list === void 0) byNr.set(nr, list = []);
      if (list[list.length - 1] !== candidate) list.push(candidate);
    }
  }
  const numbers = [...names3.keys()].sort((a, b) => a - b);
  const syscalls = numbers.map((nr) => {
    const name = names3.get(nr) ?? null;
    const list = byNr.get(nr);
    if (list === void 0) return { nr, name, cases: [], otherwise: fallback };
    if (list.length > 1) list.sort(firstMatchOrder);
    const cases = [];
    const shadows = new ShadowIndex();
    let otherwise = fallback;
    for (const { rule } of list) {
      const tests = testsOf2(rule, arch, name);
      if (tests === null) continue;
      if (tests.length === 0) {
        otherwise = decide(rule);
        break;
      }
      if (shadows.shadowed(tests)) continue;
      shadows.add(tests);
      cases.push({ tests, decision: decide(rule), priority: rule.priority });
    }
    return { nr, name, cases, otherwise };
  });
  return { arch, syscalls, unknown };
}
var ShadowIndex = class {
  #byFirst = /* @__PURE__ */ new Map();
  shadowed(tests) {
    const keys = tests.map(testKeyOf);
    const own = new Set(keys);
    for (const key of keys) {
      for (const earlier of this.#byFirst.get(key) ?? []) {
        if (earlier.every((k) => own.has(k))) return true;
      }
    }
    return false;
  }
  add(tests) {
    const keys = tests.map(testKeyOf);
    const first = keys[0];
    const list = this.#byFirst.get(first);
    if (list === void 0) this.#byFirst.set(first, [keys]);
    else list.push(keys);
  }
};
function firstMatchOrder(a, b) {
  return b.rule.priority - a.rule.priority || b.strictness - a.strictness || a.index - b.index;
}
function makeDecision(policy, action2, errno3, ruleId, loc) {
  const decision = {
    action: action2,
    ruleId,
    policy: policy.name,
    loc
  };
  if (action2 === "deny") decision.errno = errno3 ?? policy.defaultErrno;
  if (policy.mode === "audit" && AUDITED_ACTIONS.has(action2)) {
    decision.action = "log";
    decision.audited = action2;
  }
  return decision;
}
function ruleTestsCache() {
  const cache = /* @__PURE__ */ new Map();
  return (rule, arch, name) => {
    const widths = rule.args.map((c) => syscallArgWidth(name, arch, c.index) ?? 64);
    const key = widths.join(",");
    let byWidths = cache.get(rule);
    if (byWidths === void 0) cache.set(rule, byWidths = /* @__PURE__ */ new Map());
    let tests = byWidths.get(key);
    if (tests === void 0 && !byWidths.has(key)) {
      tests = ruleTests(rule, widths);
      byWidths.set(key, tests);
    }
    return tests ?? null;
  };
}
function fitsWidth(value, width) {
  const v = BigInt.asUintN(64, value);
  const w = BigInt(width);
  return width === 64 || v < 1n << w || v >= (1n << 64n) - (1n << w - 1n);
}
function ruleTests(rule, widths) {
  const tests = [];
  const seen = /* @__PURE__ */ new Set();
  for (const [i, condition] of rule.args.entries()) {
    const width = widths[i] ?? 64;
    const { op } = condition;
    const max = width === 64 ? U64_MAX2 : (1n << BigInt(width)) - 1n;
    let truth;
    if (!fitsWidth(condition.value, width)) {
      truth = op === "ne" || op === "lt" || op === "le";
    }
    const value = BigInt.asUintN(64, condition.value) & max;
    const mask2 = op === "masked_eq" ? BigInt.asUintN(64, condition.mask ?? U64_MAX2) & max : void 0;
    truth ??= constantTruth(op, value, mask2, max);
    if (truth === false) return null;
    if (truth === true) continue;
    const test = {
      index: condition.index,
      op,
      value
    };
    if (mask2 !== void 0) test.mask = mask2;
    if (width !== 64) test.width = width;
    const key = testKeyOf(test);
    if (seen.has(key)) continue;
    seen.add(key);
    tests.push(test);
  }
  return tests.sort((a, b) => {
    const ka = testKeyOf(a);
    const kb = testKeyOf(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}
function constantTruth(op, value, mask2, max) {
  switch (op) {
    case "lt":
      return value === 0n ? false : void 0;
    case "ge":
      return value === 0n ? true : void 0;
    case "gt":
      return value === max ? false : void 0;
    case "le":
      return value === max ? true : void 0;
    case "masked_eq":
      if ((value & ~mask2) !== 0n) return false;
      return mask2 === 0n ? true : void 0;
    default:
      return void 0;
  }
}
function testKeyOf(test) {
  return `${test.index} ${test.op} ${test.value.toString(16).padStart(16, "0")} ${test.mask?.toString(16) ?? ""} ${test.width ?? 64}`;
}

// compile/landlock.ts
var LANDLOCK_ABI_LATEST = 7;
var LANDLOCK_ABI_FULL_FILESYSTEM = 5;
var LANDLOCK_ACCESS_FS = {
  EXECUTE: { bit: 1 << 0, abi: 1 },
  WRITE_FILE: { bit: 1 << 1, abi: 1 },
  READ_FILE: { bit: 1 << 2, abi: 1 },
  READ_DIR: { bit: 1 << 3, abi: 1 },
  REMOVE_DIR: { bit: 1 << 4, abi: 1 },
  REMOVE_FILE: { bit: 1 << 5, abi: 1 },
  MAKE_CHAR: { bit: 1 << 6, abi: 1 },
  MAKE_DIR: { bit: 1 << 7, abi: 1 },
  MAKE_REG: { bit: 1 << 8, abi: 1 },
  MAKE_SOCK: { bit: 1 << 9, abi: 1 },
  MAKE_FIFO: { bit: 1 << 10, abi: 1 },
  MAKE_BLOCK: { bit: 1 << 11, abi: 1 },
  MAKE_SYM: { bit: 1 << 12, abi: 1 },
  REFER: { bit: 1 << 13, abi: 2 },
  TRUNCATE: { bit: 1 << 14, abi: 3 },
  IOCTL_DEV: { bit: 1 << 15, abi: 5 }
};
var LANDLOCK_ACCESS_NET = {
  BIND_TCP: { bit: 1 << 0, abi: 4 },
  CONNECT_TCP: { bit: 1 << 1, abi: 4 }
};
var LANDLOCK_SCOPE = {
  ABSTRACT_UNIX_SOCKET: { bit: 1 << 0, abi: 6 },
  SIGNAL: { bit: 1 << 1, abi: 6 }
};
var PATH_CLASS_RIGHTS = {
  read: ["READ_FILE", "READ_DIR"],
  write: [
    "WRITE_FILE",
    "REMOVE_DIR",
    "REMOVE_FILE",
    "MAKE_CHAR",
    "MAKE_DIR",
    "MAKE_REG",
    "MAKE_SOCK",
    "MAKE_FIFO",
    "MAKE_BLOCK",
    "MAKE_SYM",
    "REFER",
    "TRUNCATE",
    "IOCTL_DEV"
  ],
  execute: ["EXECUTE", "READ_FILE"]
};
var PATH_CLASS_HANDLED = {
  read: ["READ_FILE", "READ_DIR"],
  write: PATH_CLASS_RIGHTS.write,
  execute: ["EXECUTE"]
};
function restrictedClasses(filesystem) {
  return ["read", "write", "execute"].filter((c) => filesystem[c].length > 0);
}
var MAX_LANDLOCK_PORT_RULES = 1024;
var DEFAULT_LANDLOCK_SCOPES = ["ABSTRACT_UNIX_SOCKET", "SIGNAL"];
function normalisePath2(path) {
  if (!path.startsWith("/")) throw new TypeError(`path is not absolute: "${path}"`);
  if (path.includes("\0")) throw new TypeError(`path contains a NUL: "${path}"`);
  const parts = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return "/" + parts.join("/");
}
function isBeneath(path, base2) {
  return path === base2 || base2 === "/" || path.startsWith(base2 + "/");
}
function rightsAt(table, abi) {
  return Object.keys(table).filter((name) => table[name].abi <= abi);
}
function mask(table, names3) {
  let bits = 0;
  for (const name of names3) bits |= table[name].bit;
  return bits >>> 0;
}
function namesOf(table, bits) {
  return Object.keys(table).filter((n) => (bits & table[n].bit) !== 0);
}
function landlockFsRightsAt(abi) {
  return rightsAt(LANDLOCK_ACCESS_FS, abi);
}
function pathClassAccess(classes, abi) {
  const known = new Set(landlockFsRightsAt(abi));
  return mask(
    LANDLOCK_ACCESS_FS,
    classes.flatMap((c) => PATH_CLASS_RIGHTS[c]).filter((r) => known.has(r))
  );
}
function requiredLandlockAbi(filesystem) {
  if (filesystem.minAbi !== void 0) return filesystem.minAbi;
  return filesystem.write.length > 0 ? LANDLOCK_ABI_FULL_FILESYSTEM : 1;
}
function compilePaths(filesystem, abi, handled) {
  const classes = /* @__PURE__ */ new Map();
  for (const cls of ["read", "write", "execute"]) {
    for (const raw of filesystem[cls]) {
      const path = normalisePath2(raw);
      let set = classes.get(path);
      if (!set) classes.set(path, set = /* @__PURE__ */ new Set());
      set.add(cls);
    }
  }
  return [...classes.keys()].sort().map((path) => {
    const list = ["read", "write", "execute"].filter((c) => classes.get(path).has(c));
    const access = pathClassAccess(list, abi) & handled;
    return { path, access, rights: namesOf(LANDLOCK_ACCESS_FS, access), classes: list };
  });
}
function filesystemGaps(filesystem, abi) {
  const loc = filesystem.loc;
  const restricted = restrictedClasses(filesystem);
  if (restricted.length === 0) return [];
  if (abi < 1) {
    return [{
      section: "filesystem",
      subject: "all path rules",
      reason: "Landlock is not available",
      enforcedBy: null,
      neededAbi: 1,
      loc
    }];
  }
  const gaps = [];
  const missing = (right, reason) => {
    const needed = LANDLOCK_ACCESS_FS[right].abi;
    if (abi < needed) {
      gaps.push({
        section: "filesystem",
        subject: right,
        reason,
        enforcedBy: null,
        neededAbi: needed,
        loc
      });
    }
  };
  if (abi < LANDLOCK_ACCESS_FS.REFER.abi && filesystem.write.length > 0) {
    gaps.push({
      section: "filesystem",
      subject: "REFER",
      reason: "rename and link across directories are always denied below ABI 2 (stricter than written)",
      enforcedBy: null,
      neededAbi: LANDLOCK_ACCESS_FS.REFER.abi,
      loc
    });
  }
  if (filesystem.write.length > 0) {
    missing("TRUNCATE", "truncate() of files outside write paths is not restricted");
    missing("IOCTL_DEV", "ioctl() on devices opened outside write paths is not restricted");
  }
  return gaps;
}
function scopeGaps(scopes, abi, loc) {
  const lost = scopes.filter((scope) => LANDLOCK_SCOPE[scope].abi > abi);
  if (lost.length === 0) return [];
  const what = lost.map((s) => s === "SIGNAL" ? "signals" : "abstract Unix sockets").join(" and ");
  return [{
    section: "scope",
    subject: lost.join(", "),
    reason: `${what} reach processes outside the sandbox (no scoping below ABI ${LANDLOCK_SCOPE.SIGNAL.abi})`,
    enforcedBy: null,
    neededAbi: Math.max(...lost.map((s) => LANDLOCK_SCOPE[s].abi)),
    loc
  }];
}
function compileNetwork(network, abi) {
  const out = { handled: [], ports: /* @__PURE__ */ new Map(), gaps: [] };
  const gap = (subject, reason, loc, neededAbi) => out.gaps.push({
    section: "network",
    subject,
    reason,
    enforcedBy: "cgroup BPF",
    ...neededAbi === void 0 ? {} : { neededAbi },
    loc
  });
  const netAbi = LANDLOCK_ACCESS_NET.CONNECT_TCP.abi;
  if (abi < netAbi) {
    gap(
      "all endpoints",
      `Landlock restricts TCP ports from ABI ${netAbi} only`,
      network.loc,
      netAbi
    );
    return out;
  }
  const kinds = [["connect", "CONNECT_TCP"], ["bind", "BIND_TCP"]];
  for (const [op, right] of kinds) {
    const endpoints2 = network[op];
    const tcp = endpoints2.filter((e) => e.protocol !== "udp");
    for (const e of endpoints2) {
      if (e.protocol === "udp") gap(e.text, "Landlock restricts TCP only", e.loc);
      else if (e.address !== void 0) {
        gap(e.text, "Landlock restricts ports only; the address is held by cgroup BPF", e.loc);
      }
    }
    const open = tcp.find((e) => e.ports === void 0);
    const count = tcp.reduce((n, e) => n + (e.ports ? e.ports[1] - e.ports[0] + 1 : 0), 0);
    if (open) {
      gap(
        `${op} TCP`,
        `"${open.text}" allows every port, so Landlock does not restrict ${op}`,
        open.loc
      );
      continue;
    }
    if (count > MAX_LANDLOCK_PORT_RULES) {
      gap(
        `${op} TCP`,
        `the ${op} port ranges need ${count} Landlock rules (more than ${MAX_LANDLOCK_PORT_RULES})`,
        network.loc
      );
      continue;
    }
    out.handled.push(right);
    const bit = LANDLOCK_ACCESS_NET[right].bit;
    for (const e of tcp) {
      for (let port = e.ports[0]; port <= e.ports[1]; port++) {
        out.ports.set(port, (out.ports.get(port) ?? 0) | bit);
      }
    }
  }
  return out;
}
function compileLandlock(filesystem, network, abi, scopes = DEFAULT_LANDLOCK_SCOPES, scopeLoc) {
  if (!Number.isInteger(abi) || abi < 0) throw new RangeError(`bad Landlock ABI "${abi}"`);
  const classes = filesystem && abi >= 1 ? restrictedClasses(filesystem) : [];
  const known = new Set(landlockFsRightsAt(abi));
  const fsRights = landlockFsRightsAt(abi).filter(
    (r) => classes.some((c) => PATH_CLASS_HANDLED[c].includes(r)) && known.has(r)
  );
  const handledAccessFs = mask(LANDLOCK_ACCESS_FS, fsRights);
  const knownScopes = new Set(rightsAt(LANDLOCK_SCOPE, abi));
  const scoped = Object.keys(LANDLOCK_SCOPE).filter(
    (s) => scopes.includes(s) && knownScopes.has(s)
  );
  const paths = filesystem && classes.length > 0 ? compilePaths(filesystem, abi, handledAccessFs) : [];
  const net = network ? compileNetwork(network, abi) : { handled: [], ports: /* @__PURE__ */ new Map(), gaps: [] };
  const handledAccessNet = mask(LANDLOCK_ACCESS_NET, net.handled);
  const ports = [...net.ports.entries()].sort((a, b) => a[0] - b[0]).map(([port, access]) => ({
    port,
    access,
    rights: namesOf(LANDLOCK_ACCESS_NET, access)
  }));
  return {
    abi,
    handledAccessFs,
    handledAccessNet,
    scoped: mask(LANDLOCK_SCOPE, scoped),
    handled: {
      fs: fsRights,
      net: namesOf(LANDLOCK_ACCESS_NET, handledAccessNet),
      scoped
    },
    paths,
    ports,
    gaps: [
      ...filesystem ? filesystemGaps(filesystem, abi) : [],
      ...net.gaps,
      ...scopeGaps(scopes, abi, scopeLoc ?? filesystem?.loc ?? network?.loc ?? UNKNOWN_LOC)
    ]
  };
}
var UNKNOWN_LOC = { file: "", line: 0, column: 0 };
function appliesFilesystem(layer) {
  return layer.mode !== "audit";
}

// bpf/structs.ts
var CORDON_NR_SLOTS = 1024;
var CORDON_COMM_LEN = 16;
var CORDON_PATH_LEN = 256;
var CORDON_NET_RULES_PER_BANK = 128;
function f(offset, size) {
  return { offset, size };
}
var HEADER = 40;
var LAYOUTS = {
  cordon_decision_key: { size: 8, fields: { policy: f(0, 4), slot: f(4, 4) } },
  cordon_decision: {
    size: 8,
    fields: { action: f(0, 1), flags: f(1, 1), errno_value: f(2, 2), rule: f(4, 4) }
  },
  cordon_limit: {
    size: 16,
    fields: { max_per_second: f(0, 8), action: f(8, 1), pad: f(9, 3), rule: f(12, 4) }
  },
  cordon_arg_test: {
    size: 24,
    fields: { value: f(0, 8), mask: f(8, 8), index: f(16, 1), op: f(17, 1), pad: f(18, 6) }
  },
  cordon_arg_case: {
    size: 16 + 24 * 4,
    fields: {
      group: f(0, 1),
      ntests: f(1, 1),
      action: f(2, 1),
      flags: f(3, 1),
      errno_value: f(4, 2),
      rank: f(6, 2),
      rule: f(8, 4),
      pad: f(12, 4),
      tests: f(16, 24 * 4)
    }
  },
  cordon_arg_cases: {
    size: 8 + 112 * 16,
    fields: { count: f(0, 4), pad: f(4, 4), cases: f(8, 112 * 16) }
  },
  cordon_enforce_event: {
    size: 64,
    fields: {
      hdr: f(0, HEADER),
      reason: f(40, 4),
      target_tgid: f(44, 4),
      nr: f(48, 4),
      writer_killed: f(52, 4),
      cgroup_id: f(56, 8)
    }
  },
  cordon_proc: {
    size: 64 + 8 * CORDON_NR_SLOTS,
    fields: {
      start_ns: f(0, 8),
      start_ticks: f(8, 8),
      policy: f(16, 4),
      flags: f(20, 4),
      total: f(24, 8),
      other: f(32, 8),
      rate_window_ns: f(40, 8),
      rate_count: f(48, 8),
      cgroup_id: f(56, 8),
      counts: f(64, 8 * CORDON_NR_SLOTS)
    }
  },
  cordon_task: {
    size: 24 + 8 * CORDON_NR_SLOTS,
    fields: {
      gen: f(0, 8),
      policy: f(8, 4),
      flags: f(12, 4),
      other: f(16, 8),
      counts: f(24, 8 * CORDON_NR_SLOTS)
    }
  },
  cordon_fast_config: {
    size: 8 + CORDON_NR_SLOTS / 8,
    fields: { trace_all: f(0, 4), lsm_enforce: f(4, 4), more_slots: f(8, CORDON_NR_SLOTS / 8) }
  },
  cordon_config: {
    size: 8 + CORDON_NR_SLOTS / 8,
    fields: { flags: f(0, 4), self_tgid: f(4, 4), syscall_events: f(8, CORDON_NR_SLOTS / 8) }
  },
  cordon_stats: {
    size: 72,
    fields: {
      syscalls: f(0, 8),
      events: f(8, 8),
      lost: f(16, 8),
      kills: f(24, 8),
      procs_full: f(32, 8),
      rate_limited: f(40, 8),
      procs_full_killed: f(48, 8),
      loss_killed: f(56, 8),
      cgroup_escapes: f(64, 8)
    }
  },
  cordon_event_header: {
    size: HEADER,
    fields: {
      ts_ns: f(0, 8),
      kind: f(8, 4),
      tgid: f(12, 4),
      tid: f(16, 4),
      policy: f(20, 4),
      comm: f(24, CORDON_COMM_LEN)
    }
  },
  cordon_syscall_event: {
    size: 104,
    fields: {
      hdr: f(0, HEADER),
      nr: f(40, 4),
      abi: f(44, 1),
      action: f(45, 1),
      flags: f(46, 1),
      reason: f(47, 1),
      rule: f(48, 4),
      errno_value: f(52, 2),
      pad: f(54, 2),
      args: f(56, 48)
    }
  },
  cordon_file_event: {
    size: 328,
    fields: {
      hdr: f(0, HEADER),
      nr: f(40, 4),
      abi: f(44, 1),
      pad: f(45, 3),
      ret: f(48, 8),
      dfd: f(56, 4),
      flags: f(60, 4),
      mode: f(64, 4),
      path_len: f(68, 4),
      path: f(72, CORDON_PATH_LEN)
    }
  },
  cordon_net_event: {
    size: 80,
    fields: {
      hdr: f(0, HEADER),
      nr: f(40, 4),
      abi: f(44, 1),
      protocol: f(45, 1),
      family: f(46, 2),
      ret: f(48, 8),
      fd: f(56, 4),
      port: f(60, 2),
      pad: f(62, 2),
      addr: f(64, 16)
    }
  },
  cordon_exec_event: {
    size: 312,
    fields: {
      hdr: f(0, HEADER),
      old_tid: f(40, 4),
      ppid: f(44, 4),
      uid: f(48, 4),
      filename_len: f(52, 4),
      filename: f(56, CORDON_PATH_LEN)
    }
  },
  cordon_fork_event: {
    size: 56,
    fields: { hdr: f(0, HEADER), child_tgid: f(40, 4), pad: f(44, 4), child_start_ns: f(48, 8) }
  },
  cordon_exit_event: {
    size: 72 + 8 * CORDON_NR_SLOTS,
    fields: {
      hdr: f(0, HEADER),
      exit_code: f(40, 4),
      pad: f(44, 4),
      start_ns: f(48, 8),
      total: f(56, 8),
      other: f(64, 8),
      counts: f(72, 8 * CORDON_NR_SLOTS)
    }
  },
  cordon_rate_event: {
    size: 64,
    fields: {
      hdr: f(0, HEADER),
      max_per_second: f(40, 8),
      count: f(48, 8),
      action: f(56, 1),
      pad: f(57, 3),
      rule: f(60, 4)
    }
  },
  cordon_net_rule: {
    size: 24,
    fields: {
      addr: f(0, 16),
      port_lo: f(16, 2),
      port_hi: f(18, 2),
      prefix_len: f(20, 1),
      protocol: f(21, 1),
      ops: f(22, 1),
      pad: f(23, 1)
    }
  },
  cordon_net_bank: { size: 8, fields: { count: f(0, 4), flags: f(4, 4) } },
  cordon_pending_deny: {
    size: 8,
    fields: { slot: f(0, 4), errno_value: f(4, 2), pad: f(6, 2) }
  },
  // cgroup guard (bpf/cgroup_guard.bpf.c)
  cordon_guard_config: {
    size: 16,
    fields: { flags: f(0, 4), sock_kinds: f(4, 4), devices: f(8, 4), unix_rules: f(12, 4) }
  },
  cordon_device_rule: {
    size: 16,
    fields: { major: f(0, 4), minor: f(4, 4), type: f(8, 2), access: f(10, 2), pad: f(12, 4) }
  },
  cordon_unix_rule: {
    size: 112,
    fields: { kind: f(0, 1), pad: f(1, 1), len: f(2, 2), name: f(4, 108) }
  },
  // read-only view denials (bpf/view_denials.bpf.c)
  cordon_view_event: {
    size: 112 + 2 * CORDON_PATH_LEN,
    fields: {
      hdr: f(0, HEADER),
      nr: f(40, 4),
      abi: f(44, 1),
      pad: f(45, 3),
      ret: f(48, 8),
      args: f(56, 48),
      path_len: f(104, 8),
      paths: f(112, 2 * CORDON_PATH_LEN)
    }
  },
  cordon_view_args: { size: 4, fields: { path: f(0, 2), pad: f(2, 2) } }
};
var decoder = new TextDecoder();
var EVENT_KIND_OFFSET = LAYOUTS.cordon_event_header.fields.kind.offset;
var CORDON_DEVCG = { block: 1, char: 2, mknod: 1, read: 2, write: 4 };

// compile/lint_paths_network.ts
var PATHS_NETWORK_LINT_CODES = Object.freeze({
  "write-over-executable": {
    severity: "warning",
    description: "A filesystem.write path contains (or lies inside) a path the policy executes (target.executables or filesystem.execute): the sandboxed program can replace or add what it runs."
  },
  "interpreter-runs-writes": {
    severity: "info",
    description: "The policy may write files and execute an interpreter (a shell, python, perl, …): the interpreter runs what it reads, written files included (`sh out/x.sh`), although the write paths are noexec; only interpreters that check scripts with AT_EXECVE_CHECK refuse them."
  },
  "path-rule-overlap": {
    severity: "warning",
    description: "A filesystem.read or filesystem.execute path lies beneath a filesystem.write path: Landlock rights add up along the path, so it stays writable."
  },
  "redundant-path-rule": {
    severity: "info",
    description: "A path lies beneath another path of the same class, which already covers it."
  },
  "network-needs-cgroup-bpf": {
    severity: "info",
    description: "A network endpoint names an address or UDP: Landlock restricts TCP ports only, so the rule is enforced by cgroup BPF alone (and not at all where cgroup BPF is unavailable)."
  },
  "network-too-many-rules": {
    severity: "error",
    description: "A policy has more network endpoints than the cgroup programs hold (128 per policy): cordon run cannot enforce it."
  },
  "filesystem-without-landlock": {
    severity: "warning",
    description: "The host's Landlock ABI is below what the filesystem rules need (filesystem.minAbi, else 5): cordon run refuses them unless --allow-degraded."
  }
});
function find(code, message, loc, policy) {
  return { severity: PATHS_NETWORK_LINT_CODES[code].severity, code, message, loc, policy };
}
var INTERPRETERS = [
  "/usr/bin/sh",
  "/usr/bin/dash",
  "/usr/bin/bash",
  "/usr/bin/python3",
  "/usr/bin/perl",
  "/usr/bin/ruby",
  "/usr/bin/node",
  "/usr/bin/php",
  "/usr/bin/lua",
  "/usr/bin/tclsh",
  "/bin/sh",
  "/bin/bash"
];
function executableInterpreter(execute) {
  const paths = execute.map(normalisePath2);
  return INTERPRETERS.find((i) => paths.some((p) => isBeneath(i, p)));
}
function lintPathsAndNetwork(policies, options = {}) {
  const findings = [];
  for (const policy of policies) {
    const fs = policy.filesystem;
    if (fs) {
      const norm = (list) => list.map((p) => [p, normalisePath2(p)]);
      const write = norm(fs.write);
      const executables = norm([...fs.execute, ...policy.target?.executables ?? []]);
      const interpreter = write.length > 0 ? executableInterpreter(fs.execute) : void 0;
      if (interpreter !== void 0) {
        findings.push(find(
          "interpreter-runs-writes",
          `Policy "${policy.name}" may write "${write[0][0]}" and execute the interpreter ${interpreter}: it runs scripts the program writes ("${interpreter} ${write[0][0]}/x"), noexec or not; leave interpreters out of filesystem.execute to keep written code from running`,
          fs.loc,
          policy.name
        ));
      }
      for (const [w, wn] of write) {
        for (const [e, en] of executables) {
          if (isBeneath(en, wn) || isBeneath(wn, en)) {
            findings.push(find(
              "write-over-executable",
              `Policy "${policy.name}" may write "${w}", which ${isBeneath(en, wn) ? "contains" : "lies inside"} the executable path "${e}": the program can replace or add what it runs`,
              fs.loc,
              policy.name
            ));
          }
        }
        for (const cls of ["read", "execute"]) {
          for (const [p, pn] of norm(fs[cls])) {
            if (pn !== wn && isBeneath(pn, wn)) {
              findings.push(find(
                "path-rule-overlap",
                `Policy "${policy.name}" lists "${p}" in filesystem.${cls}, but it lies beneath write path "${w}" and stays writable: Landlock cannot take away rights a parent path grants`,
                fs.loc,
                policy.name
              ));
            }
          }
        }
      }
      for (const cls of ["read", "write", "execute"]) {
        const list = norm(fs[cls]);
        for (const [p, pn] of list) {
          const parent = list.find(([, qn]) => qn !== pn && isBeneath(pn, qn));
          if (parent) {
            findings.push(find(
              "redundant-path-rule",
              `Policy "${policy.name}" lists "${p}" in filesystem.${cls}, already covered by "${parent[0]}"`,
              fs.loc,
              policy.name
            ));
          }
        }
      }
      if (options.landlockAbi !== void 0) {
        const needed = requiredLandlockAbi(fs);
        if (options.landlockAbi < needed) {
          findings.push(find(
            "filesystem-without-landlock",
            `Policy "${policy.name}" has filesystem rules that need Landlock ABI ${needed}, and this host offers ${options.landlockAbi === 0 ? "no Landlock" : `ABI ${options.landlockAbi}`}: cordon run refuses them unless --allow-degraded`,
            fs.loc,
            policy.name
          ));
        }
      }
    }
    const net = policy.network;
    if (net) {
      const count = net.connect.length + net.bind.length;
      if (count > CORDON_NET_RULES_PER_BANK) {
        findings.push(find(
          "network-too-many-rules",
          `Policy "${policy.name}" has ${count} network endpoints; the cgroup programs hold at most ${CORDON_NET_RULES_PER_BANK}`,
          net.loc,
          policy.name
        ));
      }
      for (const list of ["connect", "bind"]) {
        for (const e of net[list]) {
          const parts = [
            ...e.address !== void 0 ? [`the address ${e.address}`] : [],
            ...e.protocol === "udp" ? ["UDP"] : e.protocol === "any" ? ["UDP (any protocol)"] : []
          ];
          if (parts.length === 0) continue;
          findings.push(find(
            "network-needs-cgroup-bpf",
            `Endpoint "${e.text}" of network.${list} restricts ${parts.join(" and ")}, which only cgroup BPF enforces (Landlock restricts TCP ports only)`,
            e.loc,
            policy.name
          ));
        }
      }
    }
  }
  return findings;
}

// compile/lint_privileges.ts
var PRIVILEGES_LINT_CODES = Object.freeze({
  "dangerous-capability": {
    severity: "warning",
    description: "privileges.capabilities keeps a Linux capability that lets the program leave the sandbox or act on the host outside it (CAP_SYS_ADMIN, CAP_SYS_PTRACE, CAP_SYS_MODULE, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_MKNOD, CAP_NET_RAW, CAP_NET_ADMIN, CAP_SYS_RAWIO, CAP_BPF, …); the message says what it allows."
  },
  "signals-any": {
    severity: "warning",
    description: "privileges.signals is any: the program may signal (and kill) processes outside its sandbox, as far as its uid allows."
  },
  "raw-device": {
    severity: "warning",
    description: "privileges.devices grants a block device (a disk: every file on it, whatever the path rules say) or a device of the host's memory or I/O ports (/dev/mem, /dev/kmem, /dev/port)."
  },
  "unix-host-daemon": {
    severity: "warning",
    description: "network.unix reaches the socket of a host daemon that runs commands or containers for its clients (D-Bus system bus, Docker, containerd, CRI-O, Podman, systemd's private socket, libvirt, snapd): a full escape."
  },
  "root-with-capabilities": {
    severity: "warning",
    description: "privileges.user is 0 and privileges.capabilities keeps capabilities: root with capabilities owns every file the path rules leave reachable."
  },
  "write-system-path": {
    severity: "warning",
    description: "filesystem.write covers /, or lies in /proc, /sys or /dev (beyond the safe devices): kernel settings, cgroup membership (cgroup.procs), other processes' memory and raw devices become writable."
  },
  "wx-recipe-without-memory": {
    severity: "warning",
    description: "A policy denies mprotect/pkey_mprotect with PROT_EXEC (the W^X recipe) but does not set memory.writeExecute: deny: anonymous mmap(PROT_WRITE|PROT_EXEC), memfd mappings and shmat(SHM_EXEC) still give new code a place to run."
  }
});
var DANGEROUS_CAPABILITIES = {
  CAP_SYS_ADMIN: "mount, namespaces, BPF, perf, quotas and most of root's other powers: leaving the sandbox",
  CAP_SYS_PTRACE: "ptrace and /proc/PID/mem of processes outside the sandbox: rewriting an unconfined process",
  CAP_SYS_MODULE: "loading kernel modules: its own code in the kernel",
  CAP_SYS_RAWIO: "raw I/O ports, /dev/mem and SCSI commands: the host's memory and disks",
  CAP_DAC_OVERRIDE: "reading and writing every file whatever its permissions (outside Landlock's path rules)",
  CAP_DAC_READ_SEARCH: "open_by_handle_at(): opening any file of a mounted filesystem by handle, outside the path rules",
  CAP_FOWNER: "chmod, utimes and ACLs on files it does not own, outside the write paths",
  CAP_CHOWN: "chown of any file, outside the write paths",
  CAP_FSETID: "keeping set-user-ID bits on files it changes",
  CAP_SETUID: "becoming any user, root included",
  CAP_SETGID: "joining any group, root's included",
  CAP_SETPCAP: "changing its capability bounding and inheritable sets",
  CAP_SETFCAP: "writing file capabilities (security.capability): programs that start privileged",
  CAP_MKNOD: "creating device nodes: a block device node is the whole disk",
  CAP_NET_RAW: "raw and packet sockets: forging and sniffing traffic the network rules do not see",
  CAP_NET_ADMIN: "reconfiguring the host's network: interfaces, routes, firewall rules",
  CAP_BPF: "loading BPF programs and maps",
  CAP_PERFMON: "perf events on the kernel and other processes",
  CAP_SYS_BOOT: "rebooting the host and loading a new kernel (kexec)",
  CAP_SYS_TIME: "setting the host's clocks",
  CAP_SYS_CHROOT: "chroot(), the first step of several escapes from a chroot or mount namespace",
  CAP_KILL: "signalling any process of the host",
  CAP_LINUX_IMMUTABLE: "clearing immutable and append-only flags",
  CAP_MAC_ADMIN: "changing the host's mandatory access control policy",
  CAP_MAC_OVERRIDE: "overriding the host's mandatory access control",
  CAP_AUDIT_CONTROL: "changing or disabling the kernel's audit rules",
  CAP_SYSLOG: "reading kernel addresses and the kernel log",
  CAP_IPC_OWNER: "reading and writing any System V IPC object",
  CAP_CHECKPOINT_RESTORE: "choosing pids and reading other processes' memory maps"
};
var HOST_DAEMON_SOCKETS = [
  ["/run/dbus/system_bus_socket", "the D-Bus system bus (systemd, polkit, NetworkManager, …)"],
  ["/run/docker.sock", "the Docker daemon"],
  ["/run/docker/", "the Docker daemon"],
  ["/run/containerd/", "containerd"],
  ["/run/crio/", "CRI-O"],
  ["/run/podman/", "Podman"],
  ["/run/systemd/private", "systemd"],
  ["/run/systemd/", "systemd"],
  ["/run/libvirt/", "libvirt"],
  ["/run/snapd.socket", "snapd"],
  ["/run/snapd-snap.socket", "snapd"],
  ["/run/udev/control", "udev"]
];
var RAW_CHAR_DEVICES = [
  ["c 1:1", "/dev/mem"],
  ["c 1:2", "/dev/kmem"],
  ["c 1:4", "/dev/port"],
  ["c 1:*", "/dev/mem, /dev/kmem and /dev/port (and every other minor of major 1)"]
];
var RAW_DEVICE_PATH = /^\/dev\/(?:sd|hd|vd|xvd|nvme|mmcblk|loop|dm-|md|nbd|zram|sr)[a-z0-9]*$|^\/dev\/mapper\/|^\/dev\/disk\/|^\/dev\/(?:mem|kmem|port)$/;
var SAFE_DEV_WRITES = [
  "/dev/null",
  "/dev/zero",
  "/dev/full",
  "/dev/random",
  "/dev/urandom",
  "/dev/tty",
  "/dev/ptmx",
  "/dev/pts",
  "/dev/shm",
  "/dev/stdout",
  "/dev/stderr"
];
var PROT_EXEC2 = 4n;
var MPROTECT = /* @__PURE__ */ new Set(["mprotect", "pkey_mprotect"]);
function find2(code, message, loc, policy) {
  return { severity: PRIVILEGES_LINT_CODES[code].severity, code, message, loc, policy };
}
function runPath(path) {
  return path === "/var/run" || path.startsWith("/var/run/") ? path.slice(4) : path;
}
function hostDaemon(name) {
  const dir = name.endsWith("/");
  const path = runPath(dir && name !== "/" ? name.slice(0, -1) : name);
  for (const [socket, daemon] of HOST_DAEMON_SOCKETS) {
    const base2 = socket.endsWith("/") ? socket.slice(0, -1) : socket;
    if (path === base2 || socket.endsWith("/") && isBeneath(path, base2)) {
      return { socket, daemon, holds: false };
    }
    if (dir && isBeneath(base2, path)) return { socket, daemon, holds: true };
  }
  return void 0;
}
function deniesExecProtection(rule) {
  if (letsCallRun(rule.action)) return false;
  if (!rule.syscalls.some((s) => s.kind === "name" && MPROTECT.has(s.name))) return false;
  return rule.args.some(
    (a) => a.index === 2 && (a.op === "masked_eq" ? ((a.mask ?? 0n) & PROT_EXEC2) !== 0n && (a.value & PROT_EXEC2) !== 0n : a.op === "eq" ? (a.value & PROT_EXEC2) !== 0n : a.op === "ge" || a.op === "gt")
  );
}
function lintPrivileges(policies) {
  const findings = [];
  for (const policy of policies) {
    const name = policy.name;
    const privileges = policy.privileges;
    if (privileges !== void 0) {
      for (const cap of privileges.capabilities) {
        const allows = DANGEROUS_CAPABILITIES[cap.name];
        if (allows === void 0) continue;
        findings.push(find2(
          "dangerous-capability",
          `Policy "${name}" keeps ${cap.name}, which allows ${allows}`,
          cap.loc,
          name
        ));
      }
      if (privileges.signals === "any") {
        findings.push(find2(
          "signals-any",
          `Policy "${name}" has privileges.signals: any: the program may signal and kill processes outside its sandbox`,
          privileges.loc,
          name
        ));
      }
      for (const device of privileges.devices) {
        const d = device.name;
        const raw = RAW_CHAR_DEVICES.find(([number]) => number === d);
        let what;
        if (d.startsWith("b ")) {
          what = "a block device: the whole disk, whatever the path rules say";
        } else if (raw !== void 0) what = `${raw[1]}: the host's memory or I/O ports`;
        else if (RAW_DEVICE_PATH.test(d)) {
          what = "a disk or the host's memory: everything on it, whatever the path rules say";
        }
        if (what === void 0) continue;
        findings.push(find2(
          "raw-device",
          `Policy "${name}" grants device "${d}", ${what}`,
          device.loc,
          name
        ));
      }
      const user = privileges.user;
      if (user?.uid === 0 && privileges.capabilities.length > 0) {
        findings.push(find2(
          "root-with-capabilities",
          `Policy "${name}" runs the program as uid 0 and keeps ${privileges.capabilities.map((c) => c.name).join(", ")}: root with capabilities owns every file the path rules leave reachable`,
          user.loc,
          name
        ));
      }
    }
    for (const socket of policy.network?.unix ?? []) {
      if (socket.kind !== "path") continue;
      const daemon = hostDaemon(socket.name);
      if (daemon === void 0) continue;
      findings.push(find2(
        "unix-host-daemon",
        `Policy "${name}" lets the program connect to "${socket.text}", ${daemon.holds ? `which holds ${daemon.socket} of ${daemon.daemon}` : `the socket of ${daemon.daemon}`}: a full escape (the daemon acts as root for whoever connects)`,
        socket.loc,
        name
      ));
    }
    const fs = policy.filesystem;
    if (fs !== void 0) {
      for (const w of fs.write) {
        const path = normalisePath2(w);
        let what;
        if (path === "/") {
          what = "every file of the host, /proc, /sys and /dev included (run as root: /etc/ld.so.preload, cron, SSH keys, which make it the host's root), and where symbolic links it makes are followed (a network.unix address can lead elsewhere)";
        } else if (isBeneath(path, "/proc")) {
          what = "kernel settings (/proc/sys) and other processes' memory (/proc/PID/mem)";
        } else if (isBeneath(path, "/sys")) {
          what = "kernel and device settings, and cgroup membership (cgroup.procs)";
        } else if (isBeneath(path, "/dev") && !SAFE_DEV_WRITES.some((safe) => isBeneath(path, safe))) {
          what = "device nodes (disks, memory) and what may be created there";
        }
        if (what === void 0) continue;
        findings.push(find2(
          "write-system-path",
          `Policy "${name}" may write "${w}", which makes ${what} writable`,
          fs.loc,
          name
        ));
      }
    }
    if (policy.memory?.writeExecute !== "deny") {
      const rule = policy.rules.find(deniesExecProtection);
      if (rule !== void 0) {
        findings.push(find2(
          "wx-recipe-without-memory",
          `Policy "${name}" denies ${rule.syscalls.flatMap((s) => s.kind === "name" && MPROTECT.has(s.name) ? [s.name] : []).join(" and ")} with PROT_EXEC (rule "${rule.id}") but ${policy.memory === void 0 ? "has no memory section" : "sets memory.writeExecute: allow"}: anonymous mmap(PROT_WRITE|PROT_EXEC), memfd mappings and shmat(SHM_EXEC) still run new code; write memory: { writeExecute: deny }`,
          policy.memory?.loc ?? rule.loc,
          name
        ));
      }
    }
  }
  return findings;
}

// compile/filter_set.ts
function intendedAction(decision) {
  return decision.audited ?? decision.action;
}
function isAudited(decision) {
  return decision.audited !== void 0;
}

// compile/bpf_maps.ts
var PROTOCOLS = { tcp: 6, udp: 17, any: 0 };
function parseAddress(text) {
  const parsed = parseIpAddress(text);
  return parsed && { bytes: parsed.bytes, v4: parsed.v4 };
}
function netRule(endpoint, ops) {
  let addr = new Uint8Array(16);
  let prefixLen = 0;
  if (endpoint.address !== void 0) {
    const [host, prefix] = endpoint.address.split("/");
    const parsed = parseAddress(host);
    if (!parsed) {
      throw new RangeError(`cannot parse address "${endpoint.address}" of "${endpoint.text}"`);
    }
    addr = parsed.bytes;
    const max = parsed.v4 ? 32 : 128;
    const bits = prefix === void 0 ? max : Number(prefix);
    if (!Number.isInteger(bits) || bits < 0 || bits > max) {
      throw new RangeError(`bad prefix in "${endpoint.address}"`);
    }
    prefixLen = parsed.v4 ? 96 + bits : bits;
  }
  const [portLo, portHi] = endpoint.ports ?? [0, 65535];
  return { addr, prefixLen, portLo, portHi, protocol: PROTOCOLS[endpoint.protocol], ops };
}

// compile/net_rules.ts
var ALL_ACCESS = CORDON_DEVCG.mknod | CORDON_DEVCG.read | CORDON_DEVCG.write;
var encoder = new TextEncoder();
var PROTOCOL_NUMBERS = { tcp: 6, udp: 17 };
function prefixMatch(rule, addr, prefix) {
  for (let i = 0; i < 16; i++) {
    const bits = i * 8;
    if (prefix <= bits) return true;
    const mask2 = prefix >= bits + 8 ? 255 : 255 << 8 - (prefix - bits) & 255;
    if ((rule[i] ^ addr[i]) & mask2) return false;
  }
  return true;
}
function networkDecision(network, query) {
  const parsed = parseAddress(query.address);
  if (!parsed) throw new RangeError(`not an IP address: "${query.address}"`);
  if (!Number.isInteger(query.port) || query.port < 0 || query.port > 65535) {
    throw new RangeError(`bad port ${query.port}`);
  }
  if (!network) return { allowed: true, reason: "the policy has no network section" };
  const list = query.op === "bind" ? "bind" : "connect";
  const protocol = PROTOCOL_NUMBERS[query.protocol];
  for (const endpoint of network[list]) {
    const rule = netRule(endpoint, 0);
    if (rule.protocol !== 0 && rule.protocol !== protocol) continue;
    if (query.port < rule.portLo || query.port > rule.portHi) continue;
    if (!prefixMatch(rule.addr, parsed.bytes, rule.prefixLen)) continue;
    return { allowed: true, endpoint, reason: `allowed by ${list} "${endpoint.text}"` };
  }
  const where = parsed.v4 ? query.address : `[${query.address}]`;
  return {
    allowed: false,
    reason: `no ${list} rule allows ${query.protocol}/${where}:${query.port}`
  };
}
var GRANTING = {
  read: ["read", "execute"],
  list: ["read"],
  write: ["write"],
  execute: ["execute"]
};
var RESTRICTING = {
  read: "read",
  list: "read",
  write: "write",
  execute: "execute"
};
function pathDecision(filesystem, path, access) {
  const target = normalisePath2(path);
  if (!filesystem) return { allowed: true, reason: "the policy has no filesystem section" };
  const restricting = RESTRICTING[access];
  if (filesystem[restricting].length === 0) {
    return {
      allowed: true,
      reason: `filesystem.${restricting} lists no paths, so ${access} is not restricted`
    };
  }
  for (const cls of GRANTING[access]) {
    for (const written of filesystem[cls]) {
      if (isBeneath(target, normalisePath2(written))) {
        return {
          allowed: true,
          rule: { class: cls, path: written },
          reason: `allowed by filesystem.${cls} "${written}"`
        };
      }
    }
  }
  return {
    allowed: false,
    reason: `no filesystem.${GRANTING[access].join(" or filesystem.")} rule covers "${target}"`
  };
}

// compile/lint_deno.ts
var DENO_LINT_CODES = Object.freeze({
  "deno-grant-kernel-denies": {
    severity: "warning",
    description: "A deno rule allows a read, write, run or net value that the policy's filesystem or network section denies: Deno grants it and the kernel refuses it (EACCES, EROFS or EPERM instead of NotCapable)."
  },
  "deno-unconfined-escape": {
    severity: "warning",
    description: "The deno section grants run or ffi, which let a program bypass Deno's permissions, but the policy has no filesystem paths to confine what it starts or loads: only seccomp limits them."
  }
});
function kernelDenies(layer, rule, value) {
  const fs = layer.filesystem;
  switch (rule.permission) {
    case "read":
    case "write": {
      if (!value.startsWith("/") || !fs) return void 0;
      if (rule.permission === "write" && fs.write.length === 0) {
        return "filesystem.write lists no paths (cordon run's read-only view as root: EROFS)";
      }
      const d = pathDecision(fs, value, rule.permission);
      return d.allowed ? void 0 : d.reason;
    }
    case "run": {
      if (!value.startsWith("/") || !fs) return void 0;
      const d = pathDecision(fs, value, "execute");
      return d.allowed ? void 0 : d.reason;
    }
    case "net": {
      const m = /^(\d+\.\d+\.\d+\.\d+|\[[0-9a-fA-F:.]+\]):(\d+)$/.exec(value);
      if (!m || !layer.network) return void 0;
      const address = m[1].replace(/^\[|\]$/g, "");
      const port = Number(m[2]);
      const connect = networkDecision(layer.network, {
        op: "connect",
        protocol: "tcp",
        address,
        port
      });
      if (connect.allowed) return void 0;
      const bind = networkDecision(layer.network, { op: "bind", protocol: "tcp", address, port });
      return bind.allowed ? void 0 : connect.reason;
    }
    default:
      return void 0;
  }
}
function lintDeno(layers) {
  const out = [];
  for (const layer of layers) {
    const deno = layer.deno;
    if (!deno) continue;
    for (const rule of deno.rules) {
      if (rule.action === "deny") continue;
      for (const value of rule.values ?? []) {
        const why = kernelDenies(layer, rule, value);
        if (why === void 0) continue;
        out.push({
          severity: "warning",
          code: "deno-grant-kernel-denies",
          message: `deno rule "${rule.id}" allows ${rule.permission} "${value}", but the kernel layer of policy "${layer.name}" denies it: ${why}; the program gets an errno, not NotCapable`,
          loc: rule.loc,
          policy: layer.name,
          rule: rule.id
        });
      }
    }
    const fs = layer.filesystem;
    const confined = fs !== void 0 && (fs.read.length > 0 || fs.execute.length > 0);
    if (confined) continue;
    for (const kind of ["run", "ffi"]) {
      const grant = deno.rules.find((r) => r.permission === kind && r.action !== "deny");
      if (grant === void 0 && deno.default !== "allow") continue;
      out.push({
        severity: "warning",
        code: "deno-unconfined-escape",
        message: `policy "${layer.name}" grants Deno ${kind} (${grant ? `rule "${grant.id}"` : "deno.default allow"}), which bypasses Deno's permissions, but has no filesystem read or execute paths: what it ${kind === "run" ? "starts" : "loads"} reaches every file; list filesystem paths so that cordon deno confines it with Landlock`,
        loc: grant?.loc ?? deno.defaultLoc,
        policy: layer.name,
        ...grant ? { rule: grant.id } : {}
      });
    }
  }
  return out;
}

// compile/lint.ts
var LINT_CODES = Object.freeze({
  "pointer-argument": {
    severity: "error",
    description: "An argument condition tests a pointer argument: seccomp sees the address, not the memory it points to, so the condition cannot mean what it says."
  },
  "arg-value-out-of-range": {
    severity: "error",
    description: "An argument condition compares with a value the argument cannot hold: the kernel reads it as a 32-bit (or 16-bit) C type such as int, pid_t or umode_t, and the value fits that width neither unsigned nor as a negative number. The condition never holds (eq, masked_eq, gt, ge) or always holds (ne, lt, le)."
  },
  "shadowed-rule": {
    severity: "warning",
    description: "A rule never decides any syscall on any compiled architecture: rules of higher (or equal, stricter) priority decide all of its calls first, or its conditions can never hold."
  },
  "redundant-allow": {
    severity: "warning",
    description: "An allow rule in a policy whose defaultAction is already allow, with no lower-priority rule for it to override."
  },
  "dangerous-syscall-allowed": {
    severity: "warning",
    description: "A restrictive policy (defaultAction not allow) still allows a syscall that escapes or undermines the sandbox: io_uring_setup, ptrace, process_vm_writev, bpf, init_module, finit_module or mount."
  },
  "unrestricted-exec": {
    severity: "warning",
    description: "A restrictive policy allows execve or execveat without limiting which files may be executed (filesystem.execute)."
  },
  "implicit-default-allow": {
    severity: "warning",
    description: "A policy set built in code has a policy that neither states its defaultAction (Policy.explicit.defaultAction) nor extends a policy, so calls no rule matches are allowed. Policy files cannot get here: the parser rejects a file without defaultAction or extends. Set `defaultAction: allow` for a deny-list, or `deny` (or extend builtin:baseline) for an allow-list."
  },
  "deny-errno-zero": {
    severity: "warning",
    description: "A deny returns errno 0: the call looks successful to the program although it never ran."
  },
  "unknown-on-arch": {
    severity: "info",
    description: "A syscall named in a rule does not exist on some compiled architectures; the rule skips it there."
  },
  "rule-not-applicable": {
    severity: "info",
    description: "None of a rule's syscalls exists on any compiled architecture."
  },
  "audit-mode": {
    severity: "info",
    description: "A policy runs in audit mode: deny, kill and trap are reported, not applied (under cordon run, its filesystem rules are not applied at all)."
  },
  ...PATHS_NETWORK_LINT_CODES,
  ...PRIVILEGES_LINT_CODES,
  ...DENO_LINT_CODES
});
var DANGEROUS = [
  "io_uring_setup",
  "ptrace",
  "process_vm_writev",
  "bpf",
  "init_module",
  "finit_module",
  "mount"
];
var EXEC = ["execve", "execveat"];
var SEVERITY_ORDER = { error: 0, warning: 1, info: 2 };
function compareFindings(a, b) {
  return cmp(a.loc.file, b.loc.file) || a.loc.line - b.loc.line || a.loc.column - b.loc.column || cmp(a.code, b.code) || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || cmp(a.message, b.message);
}
function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function lintPolicies(set, resolved, filters) {
  const own = new Set(set.policies.map((p) => p.name));
  const arches = compiledArches(filters);
  const findings = [];
  for (const policy of set.policies) {
    if (policy.explicit.defaultErrno && policy.defaultErrno === 0) {
      findings.push({
        severity: "warning",
        code: "deny-errno-zero",
        message: `Policy "${policy.name}" has defaultErrno 0: its denies make calls look successful without running them`,
        loc: policy.loc,
        policy: policy.name
      });
    }
    if (!policy.explicit.defaultAction && policy.extends.length === 0) {
      findings.push({
        severity: "warning",
        code: "implicit-default-allow",
        message: `Policy "${policy.name}" (built in code) states no defaultAction and extends no policy: calls no rule matches are allowed; set \`defaultAction: allow\` to say so, or \`deny\``,
        loc: policy.loc,
        policy: policy.name
      });
    }
    for (const rule of policy.rules) findings.push(...lintRule(rule, policy.name, arches));
  }
  const layers = new Map(filters.layers.map((layer) => [layer.policy, layer]));
  for (const policy of resolved) {
    const layer = layers.get(policy.name);
    if (!layer || !own.has(policy.name)) continue;
    findings.push(...lintLayer(policy, layer, own));
  }
  findings.push(...lintPathsAndNetwork(resolved.filter((p) => own.has(p.name))));
  findings.push(...lintPrivileges(resolved.filter((p) => own.has(p.name))));
  findings.push(...lintDeno(resolved.filter((p) => own.has(p.name))));
  const seen = /* @__PURE__ */ new Set();
  return findings.filter((f3) => {
    const key = JSON.stringify([f3.code, f3.loc.file, f3.loc.line, f3.loc.column, f3.message, f3.policy]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).sort(compareFindings);
}
function compiledArches(filters) {
  const present = new Set(filters.layers.flatMap((layer) => layer.arches.map((a) => a.arch)));
  return present.size === 0 ? ARCHES : ARCHES.filter((arch) => present.has(arch));
}
function refNames(ref, arches) {
  if (ref.kind === "name") return [ref.name];
  const names3 = /* @__PURE__ */ new Set();
  for (const arch of arches) {
    const name = syscallTable(arch).byNumber.get(archNumber(arch, ref.nr));
    if (name !== void 0) names3.add(name);
  }
  return [...names3].sort();
}
function archNumber(arch, nr) {
  return arch === "x32" && nr < X32_SYSCALL_BIT ? (nr | X32_SYSCALL_BIT) >>> 0 : nr;
}
function lintRule(rule, policy, arches) {
  const findings = [];
  const about = { policy, rule: rule.id };
  if (rule.action === "deny" && rule.errno === 0) {
    findings.push({
      severity: "warning",
      code: "deny-errno-zero",
      message: `Rule "${rule.id}" denies with errno 0: the calls look successful to the program although they never ran`,
      loc: rule.loc,
      ...about
    });
  }
  for (const condition of rule.args) {
    findings.push(...outOfRange(rule, condition, arches, about));
    for (const ref of rule.syscalls) {
      for (const name of refNames(ref, arches)) {
        if (arches.some((arch) => syscallPointerArgs(name, arch)?.includes(condition.index))) {
          findings.push({
            severity: "error",
            code: "pointer-argument",
            message: `Argument ${condition.index} of "${name}" is a pointer: seccomp compares the address, not the memory it points to`,
            loc: condition.loc,
            ...about
          });
        }
      }
    }
  }
  if (rule.origin !== "rule") return findings;
  let applicable = false;
  for (const ref of rule.syscalls) {
    if (ref.kind === "number") {
      applicable = true;
      continue;
    }
    const missing = arches.filter((arch) => syscallTable(arch).byName.get(ref.name) === void 0);
    if (missing.length < arches.length) applicable = true;
    if (missing.length > 0 && missing.length < arches.length) {
      findings.push({
        severity: "info",
        code: "unknown-on-arch",
        message: `Syscall "${ref.name}" does not exist on ${missing.join(", ")}; the rule skips it there`,
        loc: ref.loc,
        ...about
      });
    }
  }
  if (!applicable) {
    findings.push({
      severity: "info",
      code: "rule-not-applicable",
      message: `Rule "${rule.id}" names no syscall that exists on ${arches.join(", ")}; it has no effect there`,
      loc: rule.loc,
      ...about
    });
  }
  return findings;
}
function outOfRange(rule, condition, arches, about) {
  const byName = /* @__PURE__ */ new Map();
  for (const arch of arches) {
    if (arch === "i386") continue;
    const table = syscallTable(arch);
    for (const ref of rule.syscalls) {
      const name = ref.kind === "name" ? table.byName.has(ref.name) ? ref.name : void 0 : table.byNumber.get(archNumber(arch, ref.nr));
      if (name === void 0) continue;
      const width = syscallArgWidth(name, arch, condition.index);
      if (width === void 0 || width === 64 || fitsWidth(condition.value, width)) continue;
      const entry = byName.get(name);
      if (entry !== void 0) {
        if (!entry.arches.includes(arch)) entry.arches.push(arch);
        continue;
      }
      const type = syscallArgKinds(name, arch)?.[condition.index]?.type ?? "integer";
      byName.set(name, { width, type, arches: [arch] });
    }
  }
  const never = ["eq", "masked_eq", "gt", "ge"].includes(condition.op);
  const value = `0x${BigInt.asUintN(64, condition.value).toString(16)}`;
  return [...byName].map(([name, { width, type, arches: on }]) => ({
    severity: "error",
    code: "arg-value-out-of-range",
    message: `Argument ${condition.index} of "${name}" (${type}) is read by the kernel as ${width} bits on ${on.join(", ")}: "${condition.op} ${value}" ${never ? "can never hold" : "always holds"} there`,
    loc: condition.loc,
    ...about
  }));
}
function decisionsOf(entry) {
  return [...entry.cases.map((c) => c.decision), entry.otherwise];
}
function lets(decision) {
  return letsCallRun(intendedAction(decision));
}
function ruleNumbers(rule, filter) {
  const table = syscallTable(filter.arch);
  const numbers = [];
  for (const ref of rule.syscalls) {
    const nr = ref.kind === "name" ? table.byName.get(ref.name) : archNumber(filter.arch, ref.nr);
    if (nr !== void 0) numbers.push(nr);
  }
  return numbers;
}
function lintLayer(policy, layer, own) {
  const findings = [];
  const name = policy.name;
  const byNr = new Map(
    layer.arches.map((filter) => [filter, new Map(filter.syscalls.map((s) => [s.nr, s]))])
  );
  if (policy.mode === "audit") {
    findings.push({
      severity: "info",
      code: "audit-mode",
      message: `Policy "${name}" is in audit mode: deny, kill and trap are reported, not applied` + (policy.filesystem ? `; under cordon run its filesystem rules are not applied either (Landlock cannot audit): try them with cordon run --mode audit` : ""),
      loc: policy.loc,
      policy: name
    });
  }
  const deciding = /* @__PURE__ */ new Set();
  for (const filter of layer.arches) {
    for (const entry of filter.syscalls) {
      for (const decision of decisionsOf(entry)) {
        if (decision.ruleId !== null) deciding.add(decision.ruleId);
      }
    }
    if (filter.unknown.ruleId !== null) deciding.add(filter.unknown.ruleId);
  }
  for (const rule of policy.rules) {
    if (!own.has(rule.policy)) continue;
    const covered = layer.arches.map((filter) => ({ filter, numbers: ruleNumbers(rule, filter) }));
    if (covered.every((c) => c.numbers.length === 0)) continue;
    if (!deciding.has(rule.id)) {
      const winners = /* @__PURE__ */ new Set();
      for (const { filter, numbers } of covered) {
        for (const nr of numbers) {
          const entry = byNr.get(filter)?.get(nr);
          if (!entry) continue;
          for (const decision of decisionsOf(entry)) {
            if (decision.ruleId !== null) winners.add(decision.ruleId);
          }
        }
      }
      const list = [...winners].sort();
      const why = list.length === 0 ? "its argument conditions can never hold" : `its calls are decided first by ${list.slice(0, 4).map((id2) => `"${id2}"`).join(", ")}${list.length > 4 ? ` and ${list.length - 4} more` : ""}`;
      findings.push({
        severity: "warning",
        code: "shadowed-rule",
        message: `Rule "${rule.id}" never decides a syscall in policy "${name}": ${why}`,
        loc: rule.loc,
        policy: name,
        rule: rule.id
      });
      continue;
    }
    if (policy.defaultAction === "allow" && rule.action === "allow") {
      const overrides = policy.rules.some(
        (other) => other !== rule && other.action !== "allow" && other.priority < rule.priority && covered.some(
          ({ filter, numbers }) => ruleNumbers(other, filter).some((nr) => numbers.includes(nr))
        )
      );
      if (!overrides) {
        findings.push({
          severity: "warning",
          code: "redundant-allow",
          message: `Rule "${rule.id}" allows what defaultAction "allow" of policy "${name}" already allows`,
          loc: rule.loc,
          policy: name,
          rule: rule.id
        });
      }
    }
  }
  if (policy.defaultAction === "allow") return findings;
  const execRestricted = (policy.filesystem?.execute.length ?? 0) > 0;
  for (const syscall of [...DANGEROUS, ...EXEC]) {
    const isExec = EXEC.includes(syscall);
    if (isExec && execRestricted) continue;
    const arches = [];
    const rules = /* @__PURE__ */ new Map();
    let firstLoc;
    for (const filter of layer.arches) {
      const entry = filter.syscalls.find((s) => s.name === syscall);
      if (!entry) continue;
      const letting = decisionsOf(entry).filter(lets);
      if (letting.length === 0) continue;
      arches.push(filter.arch);
      for (const decision of letting) {
        firstLoc ??= decision.loc;
        rules.set(decision.ruleId ?? `defaultAction`, decision.loc);
      }
    }
    if (arches.length === 0 || !firstLoc) continue;
    const by = [...rules.keys()].sort().map((id2) => `"${id2}"`).join(", ");
    findings.push(
      isExec ? {
        severity: "warning",
        code: "unrestricted-exec",
        message: `Policy "${name}" allows "${syscall}" (by ${by}) without filesystem.execute: the program can run any file it can read`,
        loc: firstLoc,
        policy: name
      } : {
        severity: "warning",
        code: "dangerous-syscall-allowed",
        message: `Policy "${name}" has defaultAction "${policy.defaultAction}" but allows "${syscall}" (by ${by}) on ${arches.join(", ")}${syscall === "io_uring_setup" ? ": io_uring operations bypass syscall filters" : ""}`,
        loc: firstLoc,
        policy: name
      }
    );
  }
  return findings;
}

// compile/target.ts
var COMM_LENGTH = 15;
function targetMatches(target, proc) {
  if (target === void 0 || proc === void 0) return true;
  if (target.pids !== void 0 && !target.pids.includes(proc.pid)) return false;
  if (target.uids !== void 0 && (proc.uid === void 0 || !target.uids.includes(proc.uid))) {
    return false;
  }
  if (target.comms !== void 0) {
    const comm = proc.comm;
    if (comm === void 0) return false;
    const own = truncateComm(comm);
    if (!target.comms.some((c) => truncateComm(c) === own)) return false;
  }
  if (target.executables !== void 0) {
    const executable = proc.executable;
    if (executable === void 0 || !target.executables.includes(executable)) return false;
  }
  if (target.cgroups !== void 0) {
    const cgroup = proc.cgroup;
    if (cgroup === void 0) return false;
    const own = trimSlashes(cgroup);
    if (!target.cgroups.some((c) => isWithin(own, trimSlashes(c)))) return false;
  }
  return true;
}
function truncateComm(comm) {
  const bytes = new TextEncoder().encode(comm);
  if (bytes.length <= COMM_LENGTH) return comm;
  return new TextDecoder().decode(bytes.subarray(0, COMM_LENGTH));
}
function trimSlashes(path) {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}
function isWithin(path, dir) {
  return path === dir || path.startsWith(dir === "/" ? "/" : `${dir}/`);
}

// compile/evaluate.ts
var UNCONFINED = Object.freeze({
  action: "allow",
  ruleId: null,
  policy: "",
  loc: Object.freeze({ file: "", line: 0, column: 0 }),
  layer: null
});
function findSyscall(filter, nr) {
  const list = filter.syscalls;
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const mid = low + high >>> 1;
    const entry = list[mid];
    if (entry.nr === nr) return entry;
    if (entry.nr < nr) low = mid + 1;
    else high = mid - 1;
  }
  return void 0;
}
function testHolds(test, args) {
  const arg = BigInt.asUintN(test.width ?? 64, args?.[test.index] ?? 0n);
  switch (test.op) {
    case "eq":
      return arg === test.value;
    case "ne":
      return arg !== test.value;
    case "lt":
      return arg < test.value;
    case "le":
      return arg <= test.value;
    case "gt":
      return arg > test.value;
    case "ge":
      return arg >= test.value;
    case "masked_eq":
      return (arg & (test.mask ?? 0xffffffffffffffffn)) === test.value;
  }
}
var MAX_DIRECT_NR = 4095;
var Evaluator = class {
  #tables = {};
  /** The architectures every applicable layer was compiled for (all of them when none applies). */
  arches;
  /**
   * Builds the tables.
   *
   * @param set The compiled policies.
   * @param proc The process whose calls will be decided; `undefined` applies every layer.
   */
  constructor(set, proc) {
    const layers = set.layers.map((layer, index) => ({ layer, index })).filter(({ layer }) => targetMatches(layer.target, proc));
    const arches = ARCHES.filter(
      (arch) => layers.every(({ layer }) => layer.arches.some((f3) => f3.arch === arch))
    );
    this.arches = arches;
    for (const arch of arches) {
      this.#tables[arch] = buildTable(
        arch,
        layers.map(({ layer, index }) => ({
          filter: layer.arches.find((f3) => f3.arch === arch),
          index
        }))
      );
    }
  }
  /**
   * The verdict for syscall `nr` on `arch` with `args` (missing arguments are `0n`).
   *
   * @param arch The architecture of the call.
   * @param nr The number as in `seccomp_data.nr`.
   * @param args The arguments; only read for syscalls some layer decides by arguments.
   * @returns A prebuilt verdict; the same object for the same decision.
   * @throws {RangeError} When the set was not compiled for `arch`.
   */
  decide(arch, nr, args) {
    const t = this.#tables[arch];
    if (t === void 0) throw new RangeError(`No filter compiled for architecture "${arch}"`);
    const i = nr - t.offset;
    let slot = i >= 0 && i < t.table.length ? t.table[i] : void 0;
    if (slot === void 0) slot = t.sparse.get(nr) ?? t.unknown;
    if (slot >= 0) return t.choices[slot].verdict;
    return decideSlow(t.slow[-1 - slot], args);
  }
};
function decideSlow(parts, args) {
  let best;
  for (const part of parts) {
    let choice = part.otherwise;
    for (const c of part.cases) {
      if (c.tests.every((test) => testHolds(test, args))) {
        choice = c.choice;
        break;
      }
    }
    if (best === void 0 || choice.rank > best.rank) best = choice;
  }
  return best?.verdict ?? UNCONFINED;
}
function buildTable(arch, layers) {
  const offset = arch === "x32" ? X32_SYSCALL_BIT : 0;
  const choices = [];
  const choiceIndex = /* @__PURE__ */ new Map();
  const verdictOf2 = /* @__PURE__ */ new Map();
  const slow = [];
  const choose = (decision, layer) => {
    let verdict = verdictOf2.get(decision);
    if (verdict === void 0) {
      verdict = Object.freeze({ ...decision, layer });
      verdictOf2.set(decision, verdict);
    }
    return { verdict, rank: strictness(verdict.action) };
  };
  const indexOf = (choice) => {
    let index = choiceIndex.get(choice.verdict);
    if (index === void 0) {
      index = choices.push(choice) - 1;
      choiceIndex.set(choice.verdict, index);
    }
    return index;
  };
  const strictest = (list) => {
    let best;
    for (const choice of list) if (best === void 0 || choice.rank > best.rank) best = choice;
    return best ?? { verdict: UNCONFINED, rank: strictness("allow") };
  };
  const unknowns = layers.map(({ filter, index }) => choose(filter.unknown, index));
  const unknown = indexOf(strictest(unknowns));
  const numbers = /* @__PURE__ */ new Set();
  for (const { filter } of layers) for (const s of filter.syscalls) numbers.add(s.nr);
  const slotOf = (nr) => {
    const parts = layers.map(({ filter, index }, i) => {
      const entry = findSyscall(filter, nr);
      if (entry === void 0) return { cases: [], otherwise: unknowns[i] };
      return {
        cases: entry.cases.map((c) => ({ tests: c.tests, choice: choose(c.decision, index) })),
        otherwise: choose(entry.otherwise, index)
      };
    });
    if (parts.every((part) => part.cases.length === 0)) {
      return indexOf(strictest(parts.map((part) => part.otherwise)));
    }
    return -1 - (slow.push(parts) - 1);
  };
  let size = 0;
  for (const nr of numbers) {
    const i = nr - offset;
    if (i >= 0 && i <= MAX_DIRECT_NR && Number.isInteger(i)) size = Math.max(size, i + 1);
  }
  const table = new Int32Array(size).fill(unknown);
  const sparse = /* @__PURE__ */ new Map();
  for (const nr of [...numbers].sort((a, b) => a - b)) {
    const i = nr - offset;
    if (i >= 0 && i < size && Number.isInteger(i)) table[i] = slotOf(nr);
    else sparse.set(nr, slotOf(nr));
  }
  return { offset, table, sparse, unknown, choices, slow };
}

// compile/diff_policies.ts
var PERMISSIVE = /* @__PURE__ */ new Set(["allow", "log", "trace", "notify"]);
function allowed(v) {
  return PERMISSIVE.has(intendedAction(v));
}
function candidates(tests) {
  const max = (1n << 64n) - 1n;
  const out = /* @__PURE__ */ new Set([0n, max]);
  for (const t of tests) {
    const width = t.width === void 0 ? 64 : t.width;
    const top = (1n << BigInt(width)) - 1n;
    for (const v of [t.value, t.value + 1n, t.value - 1n]) {
      if (v >= 0n && v <= max) out.add(v);
    }
    out.add(top);
    if (t.mask !== void 0) {
      out.add(t.value | ~t.mask & top);
      out.add(t.value ^ t.mask);
      for (let bit = 0n; bit < BigInt(width); bit++) {
        if (t.mask >> bit & 1n) out.add(t.value ^ 1n << bit);
      }
    }
  }
  return [...out].sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
}
var MAX_SAMPLES = 8192;
function samples(tests) {
  const byIndex = /* @__PURE__ */ new Map();
  for (const t of tests) byIndex.set(t.index, [...byIndex.get(t.index) ?? [], t]);
  const indexes = [...byIndex.keys()].sort();
  let vectors = [[0n, 0n, 0n, 0n, 0n, 0n]];
  for (const index of indexes) {
    const values = candidates(byIndex.get(index));
    if (vectors.length * values.length > MAX_SAMPLES) {
      vectors = [
        ...vectors,
        ...values.map((v) => {
          const a = [0n, 0n, 0n, 0n, 0n, 0n];
          a[index] = v;
          return a;
        })
      ];
      continue;
    }
    const next = [];
    for (const vector of vectors) {
      for (const v of values) {
        const a = [...vector];
        a[index] = v;
        next.push(a);
      }
    }
    vectors = next;
  }
  return vectors;
}
function testsOf(set, arch, nr) {
  const out = [];
  for (const layer of set.layers) {
    const filter = layer.arches.find((f3) => f3.arch === arch);
    const decision = filter?.syscalls.find((s) => s.nr === nr);
    for (const c of decision?.cases ?? []) out.push(...c.tests);
  }
  return out;
}
function nameOf(set, arch, nr) {
  for (const layer of set.layers) {
    const filter = layer.arches.find((f3) => f3.arch === arch);
    const found = filter?.syscalls.find((s) => s.nr === nr);
    if (found) return found.name;
  }
  return null;
}
function numbersOf(set, arch) {
  const out = /* @__PURE__ */ new Set();
  for (const layer of set.layers) {
    for (const s of layer.arches.find((f3) => f3.arch === arch)?.syscalls ?? []) out.add(s.nr);
  }
  return out;
}
function argText(args, used) {
  return [...used].sort().map((i) => `arg${i}=0x${args[i].toString(16)}`).join(" ");
}
var NO_LOC = { file: "", line: 0, column: 0 };
function refiner(policies) {
  const byRule = /* @__PURE__ */ new Map();
  for (const policy of policies ?? []) {
    for (const rule of policy.rules) {
      let names3 = byRule.get(rule.id);
      if (names3 === void 0) byRule.set(rule.id, names3 = /* @__PURE__ */ new Map());
      for (const ref of rule.syscalls) {
        const key = ref.kind === "name" ? ref.name : `#${ref.nr}`;
        if (!names3.has(key)) names3.set(key, ref.loc);
      }
    }
  }
  return (v, syscall) => (v.ruleId === null ? void 0 : byRule.get(v.ruleId)?.get(syscall)) ?? v.loc;
}
function syscallEntries(oldSet, newSet, arches, options) {
  const out = [];
  const oldAt = refiner(options.oldPolicies);
  const newAt = refiner(options.newPolicies);
  const oldEval = new Evaluator(oldSet);
  const newEval = new Evaluator(newSet);
  for (const arch of arches) {
    if (!oldEval.arches.includes(arch) || !newEval.arches.includes(arch)) continue;
    const nrs = [.../* @__PURE__ */ new Set([...numbersOf(oldSet, arch), ...numbersOf(newSet, arch)])].sort((a, b) => a - b);
    for (const nr of nrs) {
      const name = nameOf(newSet, arch, nr) ?? nameOf(oldSet, arch, nr) ?? `#${nr}`;
      const tests = [...testsOf(oldSet, arch, nr), ...testsOf(newSet, arch, nr)];
      if (tests.length === 0) {
        const o = oldEval.decide(arch, nr);
        const n = newEval.decide(arch, nr);
        if (allowed(o) === allowed(n)) continue;
        const change = allowed(n) ? "added" : "removed";
        out.push({
          area: "syscall",
          change,
          arch,
          syscall: name,
          what: name,
          message: change === "added" ? `${name} (${arch}) is allowed by NEW (${n.ruleId ?? "defaultAction"}), denied by OLD (${o.ruleId ?? "defaultAction"}: ${intendedAction(o)})` : `${name} (${arch}) is allowed by OLD (${o.ruleId ?? "defaultAction"}), denied by NEW (${n.ruleId ?? "defaultAction"}: ${intendedAction(n)})`,
          oldLoc: oldAt(o, name),
          newLoc: newAt(n, name)
        });
        continue;
      }
      const used = new Set(tests.map((t) => t.index));
      const grown = [];
      const shrunk = [];
      const vectors = samples(tests);
      for (const args of vectors) {
        const o = oldEval.decide(arch, nr, args);
        const n = newEval.decide(arch, nr, args);
        if (allowed(o) === allowed(n)) continue;
        (allowed(n) ? grown : shrunk).push({ args, o, n });
      }
      for (const [list, change] of [[grown, "added"], [shrunk, "removed"]]) {
        if (list.length === 0) continue;
        const whole = list.length === vectors.length;
        const first = list[0];
        const shown = list.slice(0, 3).map((g) => argText(g.args, used)).join("; ");
        const more = list.length > 3 ? ` (+${list.length - 3} more argument combinations)` : "";
        const [by, not] = change === "added" ? ["NEW", "OLD"] : ["OLD", "NEW"];
        const v = change === "added" ? first.n : first.o;
        out.push({
          area: whole ? "syscall" : "argument",
          change,
          arch,
          syscall: name,
          what: whole ? name : `${name}(${argText(first.args, used)})`,
          message: whole ? `${name} (${arch}) is allowed by ${by} (${v.ruleId ?? "defaultAction"}) for every argument, by ${not} for none` : `${name} (${arch}) is allowed by ${by} (${v.ruleId ?? "defaultAction"}) and not by ${not} with ${shown}${more}`,
          oldLoc: oldAt(first.o, name),
          newLoc: newAt(first.n, name)
        });
      }
    }
  }
  return out;
}
function pathLists(set, cls) {
  let list;
  let loc = NO_LOC;
  for (const layer of set.layers) {
    const fs = layer.filesystem;
    if (fs === void 0) continue;
    if (loc === NO_LOC) loc = fs.loc;
    if (fs[cls].length === 0) continue;
    list = [...list ?? [], ...fs[cls].map((text) => ({ text, loc: fs.loc }))];
  }
  return { list, loc: loc === NO_LOC ? set.layers[0]?.loc ?? NO_LOC : loc };
}
function filesystemEntries(oldSet, newSet) {
  const out = [];
  for (const cls of ["read", "write", "execute"]) {
    const o = pathLists(oldSet, cls);
    const n = pathLists(newSet, cls);
    const compare = (from, to, change) => {
      const [by, not] = change === "added" ? ["NEW", "OLD"] : ["OLD", "NEW"];
      if (to.list === void 0) {
        if (from.list !== void 0) {
          out.push({
            area: "filesystem",
            change,
            what: `${cls} anywhere`,
            message: `${by} does not restrict ${cls} paths; ${not} allows only ${from.list.map((l) => l.text).join(", ")}`,
            oldLoc: change === "added" ? from.loc : to.loc,
            newLoc: change === "added" ? to.loc : from.loc
          });
        }
        return;
      }
      for (const entry of to.list) {
        if (from.list === void 0 || from.list.some((f3) => isBeneath(entry.text, f3.text))) {
          continue;
        }
        out.push({
          area: "filesystem",
          change,
          what: `${cls} ${entry.text}`,
          message: `${by} allows ${cls} beneath ${entry.text}; ${not} does not`,
          oldLoc: change === "added" ? from.loc : entry.loc,
          newLoc: change === "added" ? entry.loc : from.loc
        });
      }
    };
    compare(o, n, "added");
    compare(n, o, "removed");
  }
  return out;
}
function covers(outer, inner) {
  if (outer.protocol !== "any" && outer.protocol !== inner.protocol) return false;
  if (outer.address !== void 0 && outer.address !== inner.address) return false;
  if (outer.ports !== void 0) {
    if (inner.ports === void 0) return false;
    if (inner.ports[0] < outer.ports[0] || inner.ports[1] > outer.ports[1]) return false;
  }
  return true;
}
function networkOf(layers) {
  const withNet = layers.filter((l) => l.network !== void 0);
  return {
    restricted: withNet.length > 0,
    loc: withNet[0]?.network?.loc ?? layers[0]?.loc ?? NO_LOC,
    connect: withNet.flatMap((l) => l.network.connect),
    bind: withNet.flatMap((l) => l.network.bind),
    unix: withNet.flatMap((l) => l.network.unix ?? [])
  };
}
function networkEntries(oldSet, newSet) {
  const out = [];
  const o = networkOf(oldSet.layers);
  const n = networkOf(newSet.layers);
  const side = (from, to, change) => {
    const [by, not] = change === "added" ? ["NEW", "OLD"] : ["OLD", "NEW"];
    const locs = (mine, theirs) => change === "added" ? { oldLoc: theirs, newLoc: mine } : { oldLoc: mine, newLoc: theirs };
    if (!to.restricted) {
      if (from.restricted) {
        out.push({
          area: "network",
          change,
          what: "network unrestricted",
          message: `${by} has no network section (endpoints are not restricted); ${not} has one`,
          ...locs(to.loc, from.loc)
        });
      }
      return;
    }
    for (const op of ["connect", "bind"]) {
      for (const e of to[op]) {
        if (from.restricted && from[op].some((f3) => covers(f3, e))) continue;
        if (!from.restricted) continue;
        out.push({
          area: "network",
          change,
          what: `${op} ${e.text}`,
          message: `${by} allows ${op} to ${e.text}; ${not} does not`,
          ...locs(e.loc, from.loc)
        });
      }
    }
    for (const u of to.unix) {
      if (!from.restricted) continue;
      const ok = from.unix.some(
        (f3) => f3.kind === u.kind && (f3.name === u.name || f3.name.endsWith("/") && u.name.startsWith(f3.name))
      );
      if (ok) continue;
      out.push({
        area: "network",
        change,
        what: `unix ${u.text}`,
        message: `${by} allows connecting to the Unix socket ${u.text}; ${not} does not`,
        ...locs(u.loc, from.loc)
      });
    }
  };
  side(o, n, "added");
  side(n, o, "removed");
  return out;
}
function otherEntries(oldSet, newSet) {
  const out = [];
  const caps = (set) => new Map(
    set.layers.flatMap((l) => (l.privileges?.capabilities ?? []).map((c) => [c.name, c.loc]))
  );
  const oc = caps(oldSet);
  const nc = caps(newSet);
  const oLoc = oldSet.layers[0]?.loc ?? NO_LOC;
  const nLoc = newSet.layers[0]?.loc ?? NO_LOC;
  for (const [name, loc] of nc) {
    if (!oc.has(name)) {
      out.push({
        area: "privileges",
        change: "added",
        what: name,
        message: `NEW keeps the Linux capability ${name}; OLD does not`,
        oldLoc: oLoc,
        newLoc: loc
      });
    }
  }
  for (const [name, loc] of oc) {
    if (!nc.has(name)) {
      out.push({
        area: "privileges",
        change: "removed",
        what: name,
        message: `OLD keeps the Linux capability ${name}; NEW does not`,
        oldLoc: loc,
        newLoc: nLoc
      });
    }
  }
  const wx = (set) => set.layers.find((l) => l.memory?.writeExecute === "deny")?.memory;
  const om = wx(oldSet);
  const nm = wx(newSet);
  if (om && !nm) {
    out.push({
      area: "memory",
      change: "added",
      what: "write+execute memory",
      message: "NEW allows writable and executable memory; OLD denies it (memory.writeExecute)",
      oldLoc: om.loc,
      newLoc: nLoc
    });
  } else if (nm && !om) {
    out.push({
      area: "memory",
      change: "removed",
      what: "write+execute memory",
      message: "OLD allows writable and executable memory; NEW denies it (memory.writeExecute)",
      oldLoc: oLoc,
      newLoc: nm.loc
    });
  }
  return out;
}
var AREA_ORDER = [
  "syscall",
  "argument",
  "filesystem",
  "network",
  "privileges",
  "memory"
];
function diffPolicies(oldSet, newSet, options = {}) {
  const entries = [
    ...syscallEntries(oldSet, newSet, options.arches ?? ARCHES, options),
    ...filesystemEntries(oldSet, newSet),
    ...networkEntries(oldSet, newSet),
    ...otherEntries(oldSet, newSet)
  ];
  const archIndex = (a) => a === void 0 ? -1 : ARCHES.indexOf(a);
  entries.sort(
    (a, b) => (a.change === b.change ? 0 : a.change === "added" ? -1 : 1) || AREA_ORDER.indexOf(a.area) - AREA_ORDER.indexOf(b.area) || archIndex(a.arch) - archIndex(b.arch) || (a.what < b.what ? -1 : a.what > b.what ? 1 : 0)
  );
  return { grew: entries.some((e) => e.change === "added"), entries };
}

// engine/errors.ts
var EngineError = class extends Error {
  /** The stable code. */
  code;
  /** For trace errors, the 1-based line number. */
  line;
  /** The program, map, filter, process or feature concerned. */
  subject;
  /** For kernel failures, the errno. */
  errno;
  /**
   * Creates the error.
   *
   * @param code the stable code
   * @param message sentence case, no trailing period, the offending value quoted
   * @param options cause, line, subject, errno
   */
  constructor(code, message, options = {}) {
    super(message, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = "EngineError";
    this.code = code;
    if (options.line !== void 0) this.line = options.line;
    if (options.subject !== void 0) this.subject = options.subject;
    if (options.errno !== void 0) this.errno = options.errno;
  }
};

// engine/process_table.ts
function commOf(executable) {
  const base2 = executable.slice(executable.lastIndexOf("/") + 1);
  return base2.length > 15 ? base2.slice(0, 15) : base2;
}

// engine/trace/strace_parser.ts
var NAME_SLOTS = 1024;
var MAX_KNOWN_NAMES = 768;
var LEADER = -1;
var MAX_HELD = 4096;
var PID_BRACKET = /^\[pid +(\d+)\] +/;
var TIMESTAMP = /(?:\d\d:\d\d:\d\d(?:\.\d+)?|\d+\.\d+) +/y;
var RESUMED = /^<\.\.\. ([a-z_][a-z0-9_]*) resumed>(.*)$/;
var EXITED = /^\+\+\+ exited with (\d+) \+\+\+$/;
var KILLED = /^\+\+\+ killed by (SIG[A-Z0-9]+)(?: \(core dumped\))? \+\+\+$/;
var PERSONALITY = /^\[ Process PID=(\d+) runs in (32|64|x32) bit mode\. \]$/;
var ATTACHED = /strace: Process (\d+) attached/;
var UNFINISHED = " <unfinished ...>";
var UNKNOWN_SYSCALL = /^syscall_(0x[0-9a-f]+|\d+)$/;
var CLONE_ARG_INDEX = {
  x86_64: { flags: 0, child_stack: 1, parent_tid: 2, parent_tidptr: 2, child_tidptr: 3, tls: 4 },
  x32: { flags: 0, child_stack: 1, parent_tid: 2, parent_tidptr: 2, child_tidptr: 3, tls: 4 },
  i386: { flags: 0, child_stack: 1, parent_tid: 2, parent_tidptr: 2, tls: 3, child_tidptr: 4 },
  aarch64: { flags: 0, child_stack: 1, parent_tid: 2, parent_tidptr: 2, tls: 3, child_tidptr: 4 }
};
function splitStraceArgs(text) {
  return splitArgs(text, Infinity);
}
function splitArgs(text, count) {
  const out = [];
  let depth = 0;
  let start = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 40 || c === 91 || c === 123) {
      depth++;
    } else if (c === 41 || c === 93 || c === 125) {
      depth--;
    } else if (c === 60 && i > 0 && isWordChar(text.charCodeAt(i - 1))) {
      const close = text.indexOf(">", i + 1);
      if (close !== -1) i = close;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf("*/", i + 2);
      i = close === -1 ? n : close + 1;
    } else if (c === 44 && depth === 0) {
      out.push(text.slice(start, i).trim());
      if (out.length >= count) return out;
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last.length > 0 || out.length > 0) out.push(last);
  return out;
}
function isDigit(c) {
  return c >= 48 && c <= 57;
}
function isUpper(c) {
  return c >= 65 && c <= 90;
}
function isWordChar(c) {
  return isDigit(c) || c >= 65 && c <= 90 || c === 95;
}
var STRACE_SYMBOLS = /* @__PURE__ */ new Map([
  ["TCGETS", 0x5401n],
  ["TCSETS", 0x5402n],
  ["TCSETSW", 0x5403n],
  ["TCSETSF", 0x5404n],
  ["TIOCSCTTY", 0x540en],
  ["TIOCGPGRP", 0x540fn],
  ["TIOCSPGRP", 0x5410n],
  ["TIOCOUTQ", 0x5411n],
  ["TIOCSTI", 0x5412n],
  ["TIOCGWINSZ", 0x5413n],
  ["TIOCSWINSZ", 0x5414n],
  ["FIONREAD", 0x541bn],
  ["TIOCLINUX", 0x541cn],
  ["FIONBIO", 0x5421n],
  ["TIOCNOTTY", 0x5422n],
  ["FIONCLEX", 0x5450n],
  ["FIOCLEX", 0x5451n],
  ["FIOASYNC", 0x5452n],
  ["F_DUPFD", 0n],
  ["F_GETFD", 1n],
  ["F_SETFD", 2n],
  ["F_GETFL", 3n],
  ["F_SETFL", 4n],
  ["F_GETLK", 5n],
  ["F_SETLK", 6n],
  ["F_SETLKW", 7n],
  ["F_DUPFD_CLOEXEC", 1030n],
  ["FD_CLOEXEC", 1n],
  ["SEEK_SET", 0n],
  ["SEEK_CUR", 1n],
  ["SEEK_END", 2n],
  ["SIG_BLOCK", 0n],
  ["SIG_UNBLOCK", 1n],
  ["SIG_SETMASK", 2n],
  ["F_OK", 0n],
  ["X_OK", 1n],
  ["W_OK", 2n],
  ["R_OK", 4n]
]);
var NUMBER = /^-?(?:0x[0-9a-f]+|\d+)$/i;
var SYMBOLS = /^[A-Z_][A-Z0-9_]*(?:\|(?:[A-Z_][A-Z0-9_]*|0x[0-9a-f]+|\d+))*$/;
function parseNumber(text) {
  const negative = text.startsWith("-");
  const body = negative ? text.slice(1) : text;
  let value;
  if (/^0x/i.test(body)) value = BigInt(body);
  else if (body.length > 1 && body.startsWith("0")) value = BigInt(`0o${body.slice(1)}`);
  else value = BigInt(body);
  return BigInt.asUintN(64, negative ? -value : value);
}
function decodeStraceArg(text, arch = "x86_64") {
  let t = text;
  const comment = t.indexOf(" /*");
  if (comment !== -1) t = t.slice(0, comment);
  const decoration = t.indexOf("<");
  if (decoration > 0 && isWordChar(t.charCodeAt(decoration - 1))) t = t.slice(0, decoration);
  t = t.trim();
  const or = t.lastIndexOf(" or ");
  if (or !== -1) t = t.slice(or + 4);
  if (t === "NULL") return 0n;
  if (NUMBER.test(t)) return parseNumber(t);
  if (!SYMBOLS.test(t)) return void 0;
  const resolve = (name) => resolveConstant(name, arch) ?? STRACE_SYMBOLS.get(name) ?? "unknown";
  return parseFlagExpression(t, resolve, "c").value;
}
var StraceCall = class {
  kind = "call";
  line;
  pid;
  tid;
  arch;
  nr;
  name;
  ret;
  errno;
  retFdPath;
  #raw;
  #text;
  #args;
  constructor(line, pid, tid, arch, nr, name, raw, ret, errno3, retFdPath) {
    this.line = line;
    this.pid = pid;
    if (tid !== void 0) this.tid = tid;
    this.arch = arch;
    this.nr = nr;
    this.name = name;
    this.#raw = raw;
    if (ret !== void 0) this.ret = ret;
    if (errno3 !== void 0) this.errno = errno3;
    if (retFdPath !== void 0) this.retFdPath = retFdPath;
  }
  get rawArgs() {
    return this.#raw;
  }
  get argText() {
    return this.#text ??= splitStraceArgs(this.#raw);
  }
  get args() {
    if (this.#args !== void 0) return this.#args;
    const text = this.argText;
    const named = this.name === "clone" ? CLONE_ARG_INDEX[this.arch] : void 0;
    const out = [];
    for (let i = 0; i < text.length; i++) {
      const part = text[i];
      let index = i;
      let value = part;
      let eq = 0;
      for (let c = part.charCodeAt(0); c >= 97 && c <= 122 || c === 95; ) {
        c = part.charCodeAt(++eq);
      }
      if (eq > 0 && part.charCodeAt(eq) === 61) {
        value = part.slice(eq + 1);
        if (named !== void 0) {
          const mapped = named[part.slice(0, eq)];
          if (mapped === void 0) continue;
          index = mapped;
        }
      }
      if (index < 6) out[index] = decodeArg(value, this.arch);
    }
    for (let i = 0; i < out.length; i++) if (!(i in out)) out[i] = void 0;
    return this.#args = out;
  }
};
function plainNumber(text) {
  const n = text.length;
  if (n > 2 && text.charCodeAt(0) === 48 && text.charCodeAt(1) === 120) {
    if (n > 18) return void 0;
    for (let i = 2; i < n; i++) {
      const d = text.charCodeAt(i);
      if (!(isDigit(d) || d >= 97 && d <= 102)) return void 0;
    }
    return BigInt(text);
  }
  if (n > 15 || n > 1 && text.charCodeAt(0) === 48) return void 0;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const d = text.charCodeAt(i);
    if (!isDigit(d)) return void 0;
    value = value * 10 + d - 48;
  }
  return BigInt(value);
}
var symbolCache = /* @__PURE__ */ new Map();
var SYMBOL_CACHE_LIMIT = 1024;
function decodeArg(text, arch) {
  const c = text.charCodeAt(0);
  if (isDigit(c)) {
    const plain = plainNumber(text);
    return plain !== void 0 ? plain : decodeStraceArg(text, arch);
  }
  if (!(c >= 65 && c <= 90 || c === 95) || text.length > 64) return decodeStraceArg(text, arch);
  let cache = symbolCache.get(arch);
  if (cache === void 0) symbolCache.set(arch, cache = /* @__PURE__ */ new Map());
  const cached = cache.get(text);
  if (cached !== void 0 || cache.has(text)) return cached;
  const value = decodeStraceArg(text, arch);
  if (cache.size >= SYMBOL_CACHE_LIMIT) cache.clear();
  cache.set(JSON.parse(JSON.stringify(text)), value);
  return value;
}
var StraceParser = class {
  #defaultArch;
  /** Syscall numbers by name on the default architecture (a cache of the table lookup). */
  #numbers = /* @__PURE__ */ new Map();
  /**
   * The same names by {@linkcode callNameHash}, open addressing: a line's name is found without
   * cutting it out of the line. At most {@linkcode MAX_KNOWN_NAMES} (a syscall table's size).
   */
  #nameSlots = new Array(NAME_SLOTS).fill(void 0);
  #nameHashes = new Int32Array(NAME_SLOTS);
  #knownNames = 0;
  #arch = /* @__PURE__ */ new Map();
  #pending = /* @__PURE__ */ new Map();
  /** Thread id → process id, for threads. */
  #tgid = /* @__PURE__ */ new Map();
  /** Traced tasks believed alive (processes and threads). */
  #live = /* @__PURE__ */ new Set();
  /** Tasks announced by `strace: Process N attached` or a clone result. */
  #known = /* @__PURE__ */ new Set();
  /** Tasks that have had a line (or were created by a clone result). */
  #seen = /* @__PURE__ */ new Set();
  /** Children whose fork step was already emitted (before their parent's clone returned). */
  #forked = /* @__PURE__ */ new Set();
  #leader;
  #lastTid;
  #lastPid = 0;
  #lastArch = "x86_64";
  #held = [];
  #join;
  #sawLine = false;
  /**
   * Creates a parser.
   *
   * @param options the default architecture */
  constructor(options = {}) {
    this.#defaultArch = options.arch ?? "x86_64";
  }
  #setLeader(pid, out) {
    if (this.#leader !== void 0) return;
    this.#invalidate();
    this.#leader = pid;
    this.#live.delete(LEADER);
    this.#live.add(pid);
    const archOfLeader = this.#arch.get(LEADER);
    if (archOfLeader !== void 0) this.#arch.set(pid, archOfLeader);
    const pending = this.#pending.get(LEADER);
    if (pending !== void 0) {
      this.#pending.delete(LEADER);
      this.#pending.set(pid, pending);
    }
    this.#flushHeld(pid, out);
  }
  #flushHeld(pid, out) {
    for (const item of this.#held) {
      if (item.kind === "call") {
        if (item.pid === LEADER) item.pid = pid;
        out.push(item);
      } else {
        out.push({
          ...item,
          ...item.pid === LEADER ? { pid } : {},
          ...item.ppid === LEADER ? { ppid: pid } : {}
        });
      }
    }
    this.#held = [];
  }
  #emit(item, out) {
    const involvesLeader = item.pid === LEADER || item.kind === "process" && item.ppid === LEADER;
    if (involvesLeader || this.#held.length > 0) {
      this.#held.push(item);
      if (this.#held.length >= MAX_HELD) this.#flushHeld(0, out);
      return;
    }
    out.push(item);
  }
  /** The known name written in `line` from `from` to `to` (its hash `hash`), if any. */
  #knownName(line, from, to, hash) {
    for (let slot = hash & NAME_SLOTS - 1; ; slot = slot + 1 & NAME_SLOTS - 1) {
      const name = this.#nameSlots[slot];
      if (name === void 0) return void 0;
      if (this.#nameHashes[slot] === hash && name.length === to - from && line.startsWith(name, from)) {
        return name;
      }
    }
  }
  #addKnownName(name) {
    if (this.#knownNames >= MAX_KNOWN_NAMES) return;
    const hash = callNameHash(name, 0, name.length);
    if (hash === -1) return;
    let slot = hash & NAME_SLOTS - 1;
    while (this.#nameSlots[slot] !== void 0) slot = slot + 1 & NAME_SLOTS - 1;
    this.#nameSlots[slot] = name;
    this.#nameHashes[slot] = hash;
    this.#knownNames++;
  }
  #processOf(tid) {
    return this.#tgid.get(tid) ?? tid;
  }
  /**
   * Parses one line (1-based `lineNo`) and appends what it produced to `out`.
   */
  push(rawLine, lineNo, out) {
    let line = rawLine;
    if (this.#join !== void 0) {
      line = this.#join.text + line;
      lineNo = this.#join.line;
      this.#join = void 0;
    }
    const colon = line.indexOf(": ");
    const attached = colon === -1 ? -1 : line.indexOf("strace: ", colon < 6 ? 0 : colon - 6);
    if (attached !== -1) {
      const m = ATTACHED.exec(line);
      if (m !== null) {
        const pid2 = Number(m[1]);
        this.#known.add(pid2);
        this.#live.add(pid2);
      }
      if (attached === 0) return;
      this.#join = { text: line.slice(0, attached), line: lineNo };
      return;
    }
    const first = this.#sawLine === false;
    this.#sawLine = true;
    let text = line;
    let c = text.charCodeAt(0);
    if (!(c > 32 && c < 127)) {
      text = line.trimStart();
      if (text.length === 0) return;
      c = text.charCodeAt(0);
    }
    let tid;
    let at = 0;
    if (c === 91 && text.startsWith("[pid ")) {
      const m = PID_BRACKET.exec(text);
      if (m !== null) {
        tid = Number(m[1]);
        at = m[0].length;
      }
    } else if (isDigit(c)) {
      let value = c - 48;
      let i = 1;
      for (let d = text.charCodeAt(i); isDigit(d); d = text.charCodeAt(++i)) {
        value = value * 10 + d - 48;
      }
      if (text.charCodeAt(i) === 32) {
        tid = i <= 15 ? value : Number(text.slice(0, i));
        while (text.charCodeAt(i) === 32) i++;
        at = i;
      }
    }
    if (isDigit(text.charCodeAt(at))) {
      TIMESTAMP.lastIndex = at;
      const ts = TIMESTAMP.exec(text);
      if (ts !== null) at += ts[0].length;
    }
    const end = text.charCodeAt(text.length - 1) === 62 ? durationStart(text, at) : text.length;
    if (tid !== void 0 && tid === this.#lastTid && this.#leader !== void 0) {
      this.#dispatch(text, at, end, rawLine, lineNo, tid, this.#lastPid, this.#lastArch, out);
      return;
    }
    if (tid === void 0) {
      if (this.#live.size === 0) this.#live.add(this.#leader ?? LEADER);
      tid = this.#live.size === 1 ? this.#live.values().next().value : this.#leader ?? LEADER;
    } else if (this.#leader === void 0) {
      if (first || !this.#known.has(tid)) this.#setLeader(tid, out);
    }
    if (!this.#live.has(tid) && tid !== LEADER) this.#live.add(tid);
    if (!this.#seen.has(tid)) {
      this.#seen.add(tid);
      if (tid !== this.#leader && tid !== LEADER) this.#adopt(tid, lineNo, out);
    }
    const pid = tid === LEADER ? LEADER : this.#processOf(tid);
    const arch = this.#arch.get(pid) ?? this.#defaultArch;
    this.#lastTid = tid;
    this.#lastPid = pid;
    this.#lastArch = arch;
    this.#dispatch(text, at, end, rawLine, lineNo, tid, pid, arch, out);
  }
  /** Forgets the cached identity of the last line's task (its process or architecture changed). */
  #invalidate() {
    this.#lastTid = void 0;
  }
  /** One line's text from `at` to `end` (the rest of `line` is its prefix and `-T` duration). */
  #dispatch(line, at, end, rawLine, lineNo, tid, pid, arch, out) {
    const c0 = at < end ? line.charCodeAt(at) : NaN;
    if (c0 === 43 || c0 === 45 || c0 === 91 || c0 === 60) {
      this.#dispatchOther(line.slice(at, end), rawLine, lineNo, tid, pid, arch, out);
      return;
    }
    const open = line.indexOf("(", at);
    const hash = open === -1 || open >= end ? -1 : callNameHash(line, at, open);
    if (hash === -1) {
      out.push(malformed(lineNo, "not an strace line", rawLine));
      return;
    }
    const name = (arch === this.#defaultArch ? this.#knownName(line, at, open, hash) : void 0) ?? line.slice(at, open);
    const threadId = tid !== pid ? tid : void 0;
    const bodyStart = open + 1;
    const unfinished = end - UNFINISHED.length;
    if (unfinished >= bodyStart && line.startsWith(UNFINISHED, unfinished)) {
      this.#pending.set(tid, { line: lineNo, name, text: line.slice(bodyStart, unfinished) });
      return;
    }
    this.#finishCall(lineNo, pid, threadId, arch, name, line, bodyStart, end, rawLine, out);
  }
  /** Lines that are not calls: `+++ … +++`, `--- SIG… ---`, `[ Process … ]`, `<... resumed>`. */
  #dispatchOther(text, rawLine, lineNo, tid, pid, arch, out) {
    const threadId = tid !== pid ? tid : void 0;
    const c0 = text.charCodeAt(0);
    if (c0 === 43) {
      const exited = EXITED.exec(text);
      const killed = exited === null ? KILLED.exec(text) : null;
      if (exited === null && killed === null) {
        out.push(malformed(lineNo, "unrecognised +++ line", rawLine));
        return;
      }
      this.#live.delete(tid);
      this.#invalidate();
      const unfinished = this.#pending.get(tid);
      if (unfinished !== void 0) {
        this.#pending.delete(tid);
        this.#emitCall(
          unfinished.line,
          pid,
          threadId,
          arch,
          unfinished.name,
          unfinished.text,
          "?",
          out
        );
      }
      this.#seen.delete(tid);
      this.#known.delete(tid);
      if (threadId !== void 0) {
        this.#tgid.delete(tid);
        return;
      }
      this.#emit({
        kind: "process",
        line: lineNo,
        op: "exit",
        pid,
        ...exited !== null ? { exitCode: Number(exited[1]) } : { signal: killed[1] }
      }, out);
      return;
    }
    if (c0 === 45) {
      if (text.startsWith("--- ")) return;
      out.push(malformed(lineNo, "not an strace line", rawLine));
      return;
    }
    if (c0 === 91) {
      const p = PERSONALITY.exec(text);
      if (p === null) {
        out.push(malformed(lineNo, "unrecognised [ ] line", rawLine));
        return;
      }
      this.#invalidate();
      const mode = p[2];
      const who = this.#processOf(Number(p[1]));
      this.#arch.set(
        who === this.#leader || this.#leader === void 0 ? pid : who,
        mode === "32" ? "i386" : mode === "x32" ? "x32" : "x86_64"
      );
      return;
    }
    if (c0 === 60) {
      const r = RESUMED.exec(text);
      if (r === null) {
        out.push(malformed(lineNo, "unrecognised <...> line", rawLine));
        return;
      }
      const pending = this.#pending.get(tid);
      const rest = r[2];
      if (pending === void 0 || pending.name !== r[1]) {
        const eq = returnSeparator(rest, 0, rest.length);
        this.#emitCall(
          lineNo,
          pid,
          threadId,
          arch,
          r[1],
          "",
          eq === -1 ? "?" : rest.slice(eq + 3),
          out,
          true
        );
        return;
      }
      this.#pending.delete(tid);
      const body = pending.text + rest;
      this.#finishCall(
        pending.line,
        pid,
        threadId,
        arch,
        pending.name,
        body,
        0,
        body.length,
        rawLine,
        out
      );
      return;
    }
  }
  /**
   * A task's first line came before its parent's clone returned: find the parent among the
   * tasks with an unfinished clone, so the new task is placed in the right process at once.
   */
  #adopt(tid, lineNo, out) {
    this.#invalidate();
    for (const [parentTid, pending] of this.#pending) {
      const { name, text } = pending;
      if (name !== "clone" && name !== "clone3" && name !== "fork" && name !== "vfork") continue;
      const parent = parentTid === LEADER ? LEADER : this.#processOf(parentTid);
      if ((name === "clone" || name === "clone3") && text.includes("CLONE_THREAD")) {
        this.#tgid.set(tid, parent);
        return;
      }
      const parentArch = this.#arch.get(parent);
      if (parentArch !== void 0) this.#arch.set(tid, parentArch);
      this.#forked.add(tid);
      this.#emit({ kind: "process", line: lineNo, op: "fork", pid: tid, ppid: parent }, out);
      return;
    }
  }
  #finishCall(lineNo, pid, tid, arch, name, text, from, to, rawLine, out) {
    const eq = returnSeparator(text, from, to);
    if (eq === -1) {
      out.push(malformed(lineNo, `call "${name}" has no return value (truncated line?)`, rawLine));
      return;
    }
    this.#emitCall(
      lineNo,
      pid,
      tid,
      arch,
      name,
      text.slice(from, argumentsEnd(text, from, eq)),
      text.slice(eq + 3, to),
      out
    );
  }
  #emitCall(lineNo, pid, tid, arch, name, argsText, retText, out, argsLost = false) {
    let nr;
    if (arch === this.#defaultArch) {
      const known = this.#numbers.get(name);
      if (known !== void 0) {
        name = known.name;
        nr = known.nr;
      } else {
        nr = syscallNumber(arch, name);
        if (nr !== void 0) {
          this.#numbers.set(name, { name, nr });
          this.#addKnownName(name);
        }
      }
    } else {
      nr = syscallNumber(arch, name);
    }
    let resolvedName = name;
    if (nr === void 0) {
      const unknown = UNKNOWN_SYSCALL.exec(name);
      if (unknown === null) {
        out.push(malformed(lineNo, `unknown syscall "${name}" on ${arch}`, `${name}(${argsText}`));
        return;
      }
      nr = Number(unknown[1]);
      resolvedName = null;
    }
    let ret;
    let errno3;
    let retFdPath;
    const n = retText.length;
    const negative = retText.charCodeAt(0) === 45;
    let k = negative ? 1 : 0;
    let value = 0;
    for (let d = retText.charCodeAt(k); isDigit(d); d = retText.charCodeAt(++k)) {
      value = value * 10 + d - 48;
    }
    const digits = k - (negative ? 1 : 0);
    if (digits > 0) {
      ret = digits <= 15 ? negative ? -value : value : Number(retText.slice(0, k));
      if (k < n) {
        if (ret < 0) {
          if (retText.charCodeAt(k) === 60) {
            const close = retText.indexOf(">", k + 1);
            if (close !== -1) k = close + 1;
          }
          if (retText.charCodeAt(k) === 32 && isUpper(retText.charCodeAt(k + 1))) {
            const start = k + 1;
            k += 2;
            for (let d = retText.charCodeAt(k); isUpper(d) || isDigit(d) || d === 95; ) {
              d = retText.charCodeAt(++k);
            }
            errno3 = retText.slice(start, k);
          }
        } else {
          const lt = retText.indexOf("</");
          if (lt > 0 && retText.charCodeAt(n - 1) === 62) {
            retFdPath = retText.slice(lt + 1, -1);
          }
        }
      }
    }
    const item = new StraceCall(
      lineNo,
      pid,
      tid,
      arch,
      nr,
      resolvedName,
      argsLost ? "" : argsText,
      ret,
      errno3,
      retFdPath
    );
    this.#emit(item, out);
    if (ret === void 0 || ret < 0) return;
    if (pid === LEADER && (name === "set_tid_address" || name === "getpid" || name === "gettid")) {
      this.#setLeader(ret, out);
      return;
    }
    if (name === "clone" || name === "clone3" || name === "fork" || name === "vfork") {
      if (ret === 0) return;
      const child2 = ret;
      this.#known.add(child2);
      this.#live.add(child2);
      this.#seen.add(child2);
      if (this.#forked.delete(child2)) return;
      const thread = (name === "clone" || name === "clone3") && argsText.includes("CLONE_THREAD");
      this.#invalidate();
      if (thread) {
        this.#tgid.set(child2, pid);
        return;
      }
      const parentArch = this.#arch.get(pid);
      if (parentArch !== void 0) this.#arch.set(child2, parentArch);
      this.#emit({ kind: "process", line: lineNo, op: "fork", pid: child2, ppid: pid }, out);
      return;
    }
    if ((name === "execve" || name === "execveat") && ret === 0) {
      const executable = firstString(argsText, name === "execveat" ? 1 : 0);
      this.#emit({
        kind: "process",
        line: lineNo,
        op: "exec",
        pid,
        ...executable === void 0 ? {} : { executable }
      }, out);
    }
  }
  /** Flushes what is left: calls that never resumed, and items waiting for the leader's pid. */
  end(out) {
    if (this.#join !== void 0) {
      out.push(
        malformed(
          this.#join.line,
          "line interrupted by an strace message never continued",
          this.#join.text
        )
      );
      this.#join = void 0;
    }
    for (const [tid, pending] of this.#pending) {
      const pid = tid === LEADER ? LEADER : this.#processOf(tid);
      this.#emitCall(
        pending.line,
        pid,
        tid !== pid ? tid : void 0,
        this.#arch.get(pid) ?? this.#defaultArch,
        pending.name,
        pending.text,
        "?",
        out
      );
    }
    this.#pending.clear();
    if (this.#held.length > 0) this.#flushHeld(this.#leader ?? 0, out);
  }
};
function returnSeparator(text, from, to) {
  if (to - from < 3) return -1;
  const eq = text.lastIndexOf(" = ", to - 3);
  if (eq < from) return -1;
  const close = argumentsEnd(text, from, eq);
  return close >= from && text.charCodeAt(close) === 41 ? eq : -1;
}
function argumentsEnd(text, from, eq) {
  let j = eq;
  while (j > from && text.charCodeAt(j - 1) === 32) j--;
  return j - 1;
}
function durationStart(text, from) {
  const n = text.length;
  let j = n - 2;
  const fraction = j;
  while (j >= from && isDigit(text.charCodeAt(j))) j--;
  if (j === fraction || j < from || text.charCodeAt(j) !== 46) return n;
  const whole = --j;
  while (j >= from && isDigit(text.charCodeAt(j))) j--;
  if (j === whole || j - 1 < from) return n;
  return text.charCodeAt(j) === 60 && text.charCodeAt(j - 1) === 32 ? j - 1 : n;
}
function callNameHash(text, from, to) {
  if (to <= from) return -1;
  const c = text.charCodeAt(from);
  if (!(c >= 97 && c <= 122 || c === 95)) return -1;
  let hash = c;
  for (let i = from + 1; i < to; i++) {
    const d = text.charCodeAt(i);
    if (!(d >= 97 && d <= 122 || isDigit(d) || d === 95)) return -1;
    hash = Math.imul(hash, 31) + d | 0;
  }
  return hash & 2147483647;
}
function firstString(argsText, index) {
  const part = splitArgs(argsText, index + 1)[index];
  if (part === void 0 || !part.startsWith('"')) return void 0;
  try {
    const value = JSON.parse(part.replace(/\.\.\.$/, "").replace(/\\x([0-9a-f]{2})/gi, "\\u00$1"));
    return typeof value === "string" ? value : void 0;
  } catch {
    return void 0;
  }
}
function malformed(line, reason, text) {
  return {
    kind: "malformed",
    line,
    reason,
    text: text.length > 200 ? `${text.slice(0, 200)}…` : text
  };
}

// engine/events.ts
var EVENT_FORMAT_VERSION = 1;
var EVENT_KINDS = ["syscall", "file", "network", "process"];
function fail(message, line) {
  throw new EngineError(
    "TRACE_MALFORMED",
    line === void 0 ? message : `line ${line}: ${message}`,
    line === void 0 ? {} : { line }
  );
}
var MECHANISMS = ["landlock", "cgroup-bpf"];
function verdictOf(value, line) {
  const v = value;
  if (typeof v !== "object" || v === null) fail(`"verdict" must be an object`, line);
  const verdict = {
    action: oneOf(v, "action", ACTION_NAMES2, line),
    ruleId: v.ruleId === null ? null : str2(v, "ruleId", line, true),
    policy: str2(v, "policy", line, true),
    enforced: v.enforced === true
  };
  const errno3 = num(v, "errno", line, false);
  if (errno3 !== void 0) verdict.errno = errno3;
  if (v.rateLimited === true) verdict.rateLimited = true;
  if (v.audit === true) verdict.audit = true;
  if (v.mechanism !== void 0) verdict.mechanism = oneOf(v, "mechanism", MECHANISMS, line);
  const loc = v.loc;
  if (typeof loc === "object" && loc !== null) {
    const file = str2(loc, "file", line, true);
    const l = num(loc, "line", line, true);
    const column = num(loc, "column", line, true);
    verdict.loc = { file, line: l, column };
  }
  return verdict;
}
function num(o, key, line, required) {
  const value = o[key];
  if (value === void 0 || value === null) {
    if (required) fail(`missing "${key}"`, line);
    return void 0;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    fail(`"${key}" must be a number, not ${JSON.stringify(value)}`, line);
  }
  return value;
}
function str2(o, key, line, required) {
  const value = o[key];
  if (value === void 0 || value === null) {
    if (required) fail(`missing "${key}"`, line);
    return void 0;
  }
  if (typeof value !== "string") {
    fail(`"${key}" must be a string, not ${JSON.stringify(value)}`, line);
  }
  return value;
}
function oneOf(o, key, choices, line) {
  const value = str2(o, key, line, true);
  if (!choices.includes(value)) {
    fail(`"${key}" must be one of ${choices.join(", ")}, not "${value}"`, line);
  }
  return value;
}
function bigArg(value, line) {
  if (typeof value === "number" && Number.isInteger(value)) {
    return BigInt.asUintN(64, BigInt(value));
  }
  if (typeof value === "string" && /^(0x[0-9a-f]+|-?\d+)$/i.test(value)) {
    return BigInt.asUintN(64, BigInt(value));
  }
  return fail(
    `syscall argument must be an integer or "0x…" string, not ${JSON.stringify(value)}`,
    line
  );
}
var ARCH_NAMES = ["x86_64", "i386", "x32", "aarch64"];
var ACTION_NAMES2 = [
  "allow",
  "log",
  "trace",
  "notify",
  "deny",
  "trap",
  "kill_thread",
  "kill"
];
var FILE_OPS = [
  "open",
  "create",
  "unlink",
  "rename",
  "mkdir",
  "rmdir",
  "chmod",
  "chown",
  "link",
  "symlink",
  "truncate",
  "exec",
  "stat",
  "access"
];
var NET_OPS = [
  "socket",
  "connect",
  "bind",
  "listen",
  "accept",
  "send",
  "receive"
];
var FAMILIES = ["inet", "inet6", "unix", "netlink", "packet", "other"];
var PROTOCOLS2 = ["tcp", "udp", "raw", "other"];
var PROCESS_OPS = ["fork", "exec", "exit"];
function setOptional(event, key, value) {
  if (value !== void 0) event[key] = value;
}
function eventFromJsonLine(text, line) {
  let o;
  try {
    o = JSON.parse(text);
  } catch (error) {
    return fail(`not JSON: ${error.message}`, line);
  }
  if (typeof o !== "object" || o === null || Array.isArray(o)) {
    fail("an event must be an object", line);
  }
  const j = o;
  if (j.v !== EVENT_FORMAT_VERSION) {
    fail(
      `unsupported event format version ${JSON.stringify(j.v)} (expected ${EVENT_FORMAT_VERSION})`,
      line
    );
  }
  const kind = oneOf(j, "kind", EVENT_KINDS, line);
  const base2 = {
    time: num(j, "time", line, true),
    pid: num(j, "pid", line, true)
  };
  if (!Number.isInteger(base2.pid) || base2.pid < 0) {
    fail(`"pid" must be a non-negative integer`, line);
  }
  setOptional(base2, "tid", num(j, "tid", line, false));
  setOptional(base2, "start", num(j, "start", line, false));
  setOptional(base2, "comm", str2(j, "comm", line, false));
  switch (kind) {
    case "syscall": {
      const arch = oneOf(j, "arch", ARCH_NAMES, line);
      const nr = num(j, "nr", line, true);
      if (!Number.isInteger(nr) || nr < 0) fail(`"nr" must be a non-negative integer`, line);
      const name = j.name === null ? null : str2(j, "name", line, false) ?? null;
      const event = {
        kind,
        ...base2,
        arch,
        nr,
        name
      };
      if (j.args !== void 0) {
        if (!Array.isArray(j.args) || j.args.length > 6) {
          fail(`"args" must be an array of at most 6`, line);
        }
        event.args = j.args.map((a) => bigArg(a, line));
      }
      setOptional(event, "ret", num(j, "ret", line, false));
      if (j.verdict !== void 0) event.verdict = verdictOf(j.verdict, line);
      return event;
    }
    case "file": {
      const event = {
        kind,
        ...base2,
        op: oneOf(j, "op", FILE_OPS, line),
        path: str2(j, "path", line, true)
      };
      setOptional(event, "target", str2(j, "target", line, false));
      setOptional(event, "flags", num(j, "flags", line, false));
      setOptional(event, "syscall", str2(j, "syscall", line, false));
      setOptional(event, "result", num(j, "result", line, false));
      if (j.verdict !== void 0) event.verdict = verdictOf(j.verdict, line);
      return event;
    }
    case "network": {
      const event = {
        kind,
        ...base2,
        op: oneOf(j, "op", NET_OPS, line),
        family: oneOf(j, "family", FAMILIES, line),
        protocol: oneOf(j, "protocol", PROTOCOLS2, line)
      };
      setOptional(event, "address", str2(j, "address", line, false));
      setOptional(event, "port", num(j, "port", line, false));
      setOptional(event, "syscall", str2(j, "syscall", line, false));
      setOptional(event, "result", num(j, "result", line, false));
      if (j.verdict !== void 0) event.verdict = verdictOf(j.verdict, line);
      return event;
    }
    case "process": {
      const event = {
        kind,
        ...base2,
        op: oneOf(j, "op", PROCESS_OPS, line)
      };
      setOptional(event, "ppid", num(j, "ppid", line, false));
      setOptional(event, "executable", str2(j, "executable", line, false));
      if (j.argv !== void 0) {
        if (!Array.isArray(j.argv) || !j.argv.every((a) => typeof a === "string")) {
          fail(`"argv" must be an array of strings`, line);
        }
        event.argv = j.argv;
      }
      setOptional(event, "exitCode", num(j, "exitCode", line, false));
      setOptional(event, "signal", str2(j, "signal", line, false));
      return event;
    }
  }
}

// engine/trace/jsonl_trace.ts
function parseJsonlTraceLine(text, line) {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.startsWith("#")) return void 0;
  let event;
  try {
    event = eventFromJsonLine(trimmed);
  } catch (error) {
    const reason = error instanceof EngineError ? error.message : String(error);
    return {
      kind: "malformed",
      line,
      reason,
      text: trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed
    };
  }
  switch (event.kind) {
    case "syscall": {
      const args = event.args ?? [];
      return {
        kind: "call",
        line,
        pid: event.pid,
        ...event.tid !== void 0 && event.tid !== event.pid ? { tid: event.tid } : {},
        arch: event.arch,
        nr: event.nr,
        name: event.name,
        args,
        argText: args.map((a) => `0x${a.toString(16)}`),
        ...event.ret === void 0 ? {} : { ret: event.ret }
      };
    }
    case "process":
      return {
        kind: "process",
        line,
        op: event.op,
        pid: event.pid,
        ...event.ppid === void 0 ? {} : { ppid: event.ppid },
        ...event.executable === void 0 ? {} : { executable: event.executable },
        ...event.exitCode === void 0 ? {} : { exitCode: event.exitCode },
        ...event.signal === void 0 ? {} : { signal: event.signal }
      };
    default:
      return { kind: "event", line, event };
  }
}

// engine/trace/read_lines.ts
var MAX_LINE_LENGTH = 1 << 20;
var READ_SIZE = 1 << 20;
var FILE_READ_SIZE = 1 << 16;
async function* readLineBatches(stream) {
  const decoder3 = new TextDecoder("utf-8", { fatal: false });
  let carry = "";
  for await (const chunk of stream) {
    const text = carry + decoder3.decode(chunk, { stream: true });
    const lines = text.split("\n");
    carry = lines.pop();
    if (carry.length > MAX_LINE_LENGTH) carry = carry.slice(0, MAX_LINE_LENGTH);
    if (text.includes("\r")) {
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (line.endsWith("\r")) lines[i] = line.slice(0, -1);
      }
    }
    if (lines.length > 0) yield lines;
  }
  carry += decoder3.decode();
  if (carry.endsWith("\r")) carry = carry.slice(0, -1);
  if (carry.length > 0) yield [carry];
}
async function* readTraceFile(path) {
  let file;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    throw new EngineError(
      "TRACE_IO",
      `cannot read trace "${path}": ${fileErrorText(error)}`,
      { cause: error, subject: path }
    );
  }
  try {
    const buffer = new Uint8Array(FILE_READ_SIZE);
    while (true) {
      let n;
      try {
        n = await file.read(buffer);
      } catch (error) {
        throw new EngineError("TRACE_IO", `cannot read trace "${path}": ${fileErrorText(error)}`, {
          cause: error,
          subject: path
        });
      }
      if (n === null) return;
      yield buffer.subarray(0, n);
    }
  } finally {
    file.close();
  }
}

// compile/run_view.ts
function runWriteList(layer) {
  if (!appliesFilesystem(layer)) return ["/"];
  return layer.filesystem?.write ?? [];
}
function runExecuteList(layer) {
  if (!appliesFilesystem(layer)) return [];
  return layer.filesystem?.execute ?? [];
}
function intersectSubtrees(lists) {
  let current;
  for (const list of lists) {
    const next = list.map(normalisePath2);
    if (current === void 0) {
      current = next;
      continue;
    }
    const prev = current;
    current = [
      ...prev.filter((p) => next.some((q3) => isBeneath(p, q3))),
      ...next.filter((q3) => prev.some((p) => isBeneath(q3, p)))
    ];
  }
  const unique = [...new Set(current ?? [])].sort();
  return unique.filter((p) => !unique.some((q3) => q3 !== p && isBeneath(p, q3)));
}
function runView(set) {
  const writeLayers = set.layers.flatMap((l, i) => runWriteList(l).length > 0 ? [i] : []);
  const writable = intersectSubtrees(writeLayers.map((i) => runWriteList(set.layers[i])));
  const execLists = set.layers.map(runExecuteList).filter((list) => list.length > 0);
  return {
    writeLayers,
    writable,
    executable: execLists.length === 0 ? ["/"] : intersectSubtrees(execLists),
    hostWritable: writable.includes("/")
  };
}

// engine/access_rules.ts
var EACCES2 = 13;
var EPERM2 = 1;
var EROFS = 30;
var EXDEV = 18;
var OPEN_FLAGS = /* @__PURE__ */ new Map();
function openFlags(arch) {
  let flags = OPEN_FLAGS.get(arch);
  if (flags === void 0) {
    const v = (name) => {
      const value = resolveConstant(name, arch);
      if (value === void 0) throw new RangeError(`no ${name} for ${arch}`);
      return Number(value);
    };
    flags = {
      accmode: v("O_ACCMODE"),
      wronly: v("O_WRONLY"),
      rdwr: v("O_RDWR"),
      creat: v("O_CREAT"),
      excl: v("O_EXCL"),
      trunc: v("O_TRUNC"),
      directory: v("O_DIRECTORY"),
      path: v("O_PATH")
    };
    OPEN_FLAGS.set(arch, flags);
  }
  return flags;
}
var CREAT_FLAGS = BigInt(
  openFlags("x86_64").creat | openFlags("x86_64").wronly | openFlags("x86_64").trunc
);
function parentOf(path) {
  const p = normalisePath2(path);
  const slash = p.lastIndexOf("/");
  return slash <= 0 ? "/" : p.slice(0, slash);
}
function resolvePath(path, base2) {
  if (path.startsWith("/")) {
    const normal = !path.includes("//") && !path.includes("/.") && (path.length === 1 || !path.endsWith("/")) && !path.includes("\0");
    return normal ? path : normalisePath2(path);
  }
  if (base2 === void 0 || !base2.startsWith("/")) return void 0;
  return normalisePath2(`${base2}/${path}`);
}
function openChecks(path, flags, resolved, arch = "x86_64") {
  const O = openFlags(arch);
  flags = typeof flags === "bigint" ? Number(BigInt.asUintN(32, flags)) : flags >>> 0;
  if (flags & O.path) return [];
  const mode = flags & O.accmode;
  const out = [];
  const also = resolved === void 0 ? {} : { resolved };
  if (mode !== O.wronly) out.push({ path, access: flags & O.directory ? "list" : "read", ...also });
  if (flags & O.creat && flags & O.excl) {
    out.push({
      path: parentOf(path),
      access: "write",
      ...resolved === void 0 ? {} : { resolved: parentOf(resolved) },
      change: "entries"
    });
  } else if (mode === O.wronly || mode === O.rdwr || flags & (O.trunc | O.creat)) {
    out.push({ path, access: "write", ...also });
  }
  return out;
}
var ENTRY_OPS = /* @__PURE__ */ new Set(["unlink", "rmdir", "mkdir", "link", "symlink"]);
function fileOpChecks(op, path, details = {}) {
  switch (op) {
    case "open":
      return openChecks(path, details.flags ?? 0, void 0, details.arch);
    case "create":
      return openChecks(path, details.flags ?? CREAT_FLAGS, void 0, details.arch);
    case "truncate":
      return [{ path, access: "write" }];
    case "exec":
      return [{ path, access: "execute" }];
    case "rename": {
      if (details.target === void 0) {
        return [{ path: parentOf(path), access: "write", change: "entries" }];
      }
      return [
        { path: parentOf(path), access: "write", change: "entries", rename: true },
        { path: parentOf(details.target), access: "write", change: "entries", rename: true }
      ];
    }
    case "chmod":
    case "chown":
      return [{ path, access: "write", change: "metadata" }];
    default:
      return ENTRY_OPS.has(op) ? [{ path: parentOf(path), access: "write", change: "entries" }] : [];
  }
}
var CACHE_LIMIT = 16384;
var DEV_FILE_MOUNTS = ["/dev/shm", "/dev/mqueue", "/dev/hugepages"];
var PROC_FD = /^\/proc\/(?:\d+|self|thread-self)(?:\/task\/\d+)?\/fd\/\d+$/;
var DEV_FD = /^\/dev\/(?:fd\/\d+|stdin|stdout|stderr)$/;
function isDescriptorPath(path) {
  return path.startsWith("/proc/") && PROC_FD.test(path) || DEV_FD.test(path);
}
function viewMounts(set) {
  const { writable, executable, hostWritable } = runView(set);
  if (hostWritable) return [];
  const mounts = [];
  for (const path of writable) {
    mounts.push(path);
    if (executable.some((e) => isBeneath(path, e))) continue;
    for (const e of executable) if (e !== path && isBeneath(e, path)) mounts.push(e);
  }
  return mounts;
}
function isSpecialFilePath(path) {
  if (path.startsWith("/dev/")) return !DEV_FILE_MOUNTS.some((m) => isBeneath(path, m));
  return isDescriptorPath(path);
}
function ownString(text) {
  return JSON.parse(JSON.stringify(text));
}
var ACCESS_INDEX = {
  read: 0,
  list: 1,
  write: 2,
  execute: 3
};
var AccessRules = class _AccessRules {
  #layers;
  /** Denials (`null`: allowed) by layer and access (`index * 4 + ACCESS_INDEX[access]`), then path. */
  #cache = [];
  #cached = 0;
  /** Interned {@linkcode AccessDenial.key} strings. */
  #keys = /* @__PURE__ */ new Map();
  /** Whether some layer has a `filesystem` section. */
  hasFilesystem;
  /** Whether some layer has a `network` section. */
  hasNetwork;
  /** The view the decisions are for. */
  view;
  /** Whether file accesses are decided: some layer has a `filesystem` section, or the `root` view. */
  decidesPaths;
  #set;
  /** The layers that list write paths (the view's writable paths are beneath one of each). */
  #writeLayers;
  /** The read-write mounts of the `root` view (see {@linkcode viewMounts}). */
  #mounts;
  /** Whether the view leaves the host writable (every layer that lists write paths lists `/`). */
  #hostWritable;
  /** The `root` view's denials (`null`: writable) by path. */
  #viewCache = /* @__PURE__ */ new Map();
  /**
   * The rules of `set`, or `undefined` when nothing would be decided: in the `user` view when no
   * layer has a `filesystem` or `network` section, in the `root` view when `set` has no layer.
   *
   * @param set the compiled policies
   * @param options the view (default `user`)
   * @returns the rules, or `undefined`
   */
  static of(set, options = {}) {
    if (options.view === "root") {
      return set.layers.length > 0 ? new _AccessRules(set, options) : void 0;
    }
    return set.layers.some((l) => l.filesystem !== void 0 || l.network !== void 0) ? new _AccessRules(set, options) : void 0;
  }
  /**
   * Prepares the rules of `set`.
   *
   * @param set the compiled policies
   * @param options the view (default `user`)
   */
  constructor(set, options = {}) {
    this.view = options.view ?? "user";
    this.#set = set;
    const view = runView(set);
    this.#writeLayers = view.writeLayers;
    this.#layers = set.layers.map((layer, index) => {
      if (layer.filesystem === void 0 && layer.network === void 0) return void 0;
      let landlockConnect;
      let landlockBind;
      if (layer.network !== void 0) {
        const ruleset = compileLandlock(void 0, layer.network, LANDLOCK_ABI_LATEST);
        if (ruleset.handled.net.includes("CONNECT_TCP")) {
          landlockConnect = new Set(
            ruleset.ports.filter((p) => p.rights.includes("CONNECT_TCP")).map((p) => p.port)
          );
        }
        if (ruleset.handled.net.includes("BIND_TCP")) {
          landlockBind = new Set(
            ruleset.ports.filter((p) => p.rights.includes("BIND_TCP")).map((p) => p.port)
          );
        }
      }
      return { index, layer, landlockConnect, landlockBind };
    });
    this.hasFilesystem = set.layers.some((l) => l.filesystem !== void 0);
    this.hasNetwork = set.layers.some((l) => l.network !== void 0);
    this.decidesPaths = this.hasFilesystem || this.view === "root" && set.layers.length > 0;
    this.#mounts = viewMounts(set);
    this.#hostWritable = view.hostWritable;
  }
  #key(layer, section, mechanism, mode) {
    const key = `${layer}\0${section}\0${mechanism}\0${mode}`;
    let interned = this.#keys.get(key);
    if (interned === void 0) this.#keys.set(key, interned = key);
    return interned;
  }
  /** The layer's denial of `access` to `path`, or `null` (cached: the same object each time). */
  #path(rules, path, access) {
    const slot = rules.index * 4 + ACCESS_INDEX[access];
    let byPath2 = this.#cache[slot];
    if (byPath2 === void 0) this.#cache[slot] = byPath2 = /* @__PURE__ */ new Map();
    let denial = byPath2.get(path);
    if (denial === void 0) {
      const own = ownString(path);
      denial = this.#pathDenial(
        rules,
        own,
        access,
        pathDecision(rules.layer.filesystem, own, access)
      );
      if (this.#cached >= CACHE_LIMIT) {
        for (const m of this.#cache) m?.clear();
        this.#cached = 0;
      }
      byPath2.set(own, denial);
      this.#cached++;
    }
    return denial;
  }
  #pathDenial(rules, path, access, decision) {
    if (decision.allowed) return null;
    const layer = rules.layer;
    const section = `filesystem.${access === "list" ? "read" : access}`;
    return {
      mechanism: "landlock",
      errno: EACCES2,
      layer: rules.index,
      policy: layer.policy,
      section,
      ruleId: `${layer.policy}:${section}`,
      loc: layer.filesystem.loc,
      mode: layer.mode,
      subject: path,
      access,
      reason: decision.reason,
      key: this.#key(rules.index, section, "landlock", layer.mode)
    };
  }
  /**
   * What the kernel decides for a file call's `checks` in this rules' view: in the `root` view,
   * the first write the read-only view refuses (`EROFS`: the mount check comes before Landlock's
   * hooks), whatever the layers of the process (the view is the run's); then, as in the `user`
   * view, {@linkcode AccessRules.decidePaths}.
   *
   * @param layers indexes of the layers that apply to the process
   * @param checks the paths and accesses to check
   * @returns the denial, or `undefined` when the call is allowed
   */
  decideAccess(layers, checks) {
    if (this.view === "root") {
      const crossing = this.#crossing(checks);
      if (crossing !== void 0) return crossing;
      for (const check of checks) {
        if (check.access !== "write") continue;
        const denial = this.#viewDenial(check.path);
        if (denial === null) continue;
        if (check.resolved !== void 0 && check.resolved !== check.path) {
          if (this.#viewDenial(check.resolved) === null) continue;
        }
        if ((check.change ?? "content") === "content") {
          if (isSpecialFilePath(check.resolved ?? check.path)) continue;
        }
        return denial;
      }
    }
    return this.decidePaths(layers, checks);
  }
  /**
   * Whether some call could be denied `access` for a process of `layers`: in the `root` view
   * every write could (unless every layer that lists write paths lists `/`); otherwise only an
   * access whose class a layer of `layers` restricts (lists paths for). A call whose path the
   * trace does not give is undecided only when this holds.
   *
   * @param layers indexes of the layers that apply to the process
   * @param access the access
   * @returns whether a denial is possible
   */
  mayDeny(layers, access) {
    if (access === "write" && this.view === "root" && !this.#hostWritable) return true;
    const restricting = access === "list" ? "read" : access;
    return layers.some((i) => (this.#set.layers[i]?.filesystem?.[restricting].length ?? 0) > 0);
  }
  /** The read-write mount `path` is on, or `undefined` (a read-only one). */
  #mountOf(path) {
    let best;
    for (const m of this.#mounts) {
      if (isBeneath(path, m) && (best === void 0 || m.length > best.length)) best = m;
    }
    return best;
  }
  /**
   * A rename between two mounts of the view: `EXDEV` (the kernel checks it before it asks the
   * mount for write access). Both read-only: the same mount as on the host, left to `EROFS`.
   */
  #crossing(checks) {
    if (this.#hostWritable) return void 0;
    const pair = checks.filter((c) => c.rename === true);
    if (pair.length !== 2) return void 0;
    const [from, to] = pair.map((c) => normalisePath2(c.path));
    const a = this.#mountOf(from);
    const b = this.#mountOf(to);
    if (a === b) return void 0;
    const readOnly = a === void 0 ? from : b === void 0 ? to : void 0;
    const base2 = readOnly === void 0 ? void 0 : this.#viewDenial(readOnly);
    const index = base2?.layer ?? this.#writeLayers[0];
    const layer = this.#set.layers[index];
    const section = "filesystem.write";
    const where = (m) => m === void 0 ? "a read-only mount" : `"${m}"`;
    return {
      mechanism: "read-only-view",
      errno: EXDEV,
      layer: index,
      policy: layer.policy,
      section,
      ruleId: `${layer.policy}:${section}`,
      loc: layer.filesystem?.loc ?? layer.loc,
      mode: "enforce",
      subject: ownString(readOnly ?? to),
      access: "write",
      reason: ownString(
        `a rename from "${from}" to "${to}" crosses mounts of the read-only view of cordon run started as root (${where(a)} and ${where(b)}): each write path is a mount of its own`
      ),
      key: this.#key(index, section, "read-only-view", "enforce")
    };
  }
  /** The view's denial of writing beneath `path`, or `null` (cached: the same object each time). */
  #viewDenial(path) {
    let denial = this.#viewCache.get(path);
    if (denial !== void 0) return denial;
    const own = ownString(path);
    denial = this.#viewDecision(normalisePath2(own), own);
    if (this.#viewCache.size >= CACHE_LIMIT) this.#viewCache.clear();
    this.#viewCache.set(own, denial);
    return denial;
  }
  #viewDecision(target, subject) {
    const layers = this.#set.layers;
    let index;
    let reason;
    if (this.#writeLayers.length > 0) {
      const refusing = this.#writeLayers.find(
        (i) => !runWriteList(layers[i]).some((w) => isBeneath(target, normalisePath2(w)))
      );
      if (refusing === void 0) return null;
      index = refusing;
      reason = `no filesystem.write path of policy "${layers[index].policy}" covers "${target}": cordon run started as root mounts everything outside the write paths every policy allows read-only`;
    } else {
      const withFilesystem = layers.findIndex((l) => l.filesystem !== void 0);
      index = withFilesystem >= 0 ? withFilesystem : 0;
      reason = `no policy lists filesystem.write paths, so cordon run started as root mounts everything read-only ("${target}" included)`;
    }
    const layer = layers[index];
    const section = "filesystem.write";
    return {
      mechanism: "read-only-view",
      errno: EROFS,
      layer: index,
      policy: layer.policy,
      section,
      ruleId: `${layer.policy}:${section}`,
      loc: layer.filesystem?.loc ?? layer.loc,
      mode: "enforce",
      subject,
      access: "write",
      reason,
      key: this.#key(index, section, "read-only-view", "enforce")
    };
  }
  /**
   * Landlock's decision: the denial of the first of `checks` that a layer of `layers` denies (an
   * `enforce` layer's before an `audit` layer's), or `undefined` when all are allowed. Metadata
   * changes are not Landlock's to decide; the read-only view is
   * {@linkcode AccessRules.decideAccess}'s.
   *
   * @param layers indexes of the layers that apply to the process
   * @param checks the paths and accesses to check
   */
  decidePaths(layers, checks) {
    let audited;
    for (const check of checks) {
      if (check.change === "metadata") continue;
      for (const index of layers) {
        const rules = this.#layers[index];
        if (rules?.layer.filesystem === void 0) continue;
        const denial = this.#path(rules, check.path, check.access);
        if (denial === null) continue;
        if (check.resolved !== void 0 && check.resolved !== check.path && this.#path(rules, check.resolved, check.access) === null) continue;
        if (denial.mode === "enforce") return denial;
        audited ??= denial;
      }
    }
    return audited;
  }
  /**
   * The denial of a network operation by a layer of `layers`, or `undefined` when all allow it:
   * Landlock's TCP port rules first (`EACCES`), then the cgroup programs (`EPERM`). Throws
   * `RangeError` for an address that is not IPv4 or IPv6 or a port outside 0–65535.
   *
   * @param layers indexes of the layers that apply to the process
   * @param check the operation
   */
  decideNetwork(layers, check) {
    let audited;
    const list = check.op === "bind" ? "bind" : "connect";
    const where = check.address.includes(":") ? `[${check.address}]` : check.address;
    const subject = `${check.protocol}/${where}:${check.port}`;
    const deny = (rules, mechanism, reason) => {
      const layer = rules.layer;
      return {
        mechanism,
        errno: mechanism === "landlock" ? EACCES2 : EPERM2,
        layer: rules.index,
        policy: layer.policy,
        section: `network.${list}`,
        ruleId: `${layer.policy}:network.${list}`,
        loc: layer.network.loc,
        mode: layer.mode,
        // Copies: the address may be cut from a trace's chunk (network calls are few).
        subject: ownString(subject),
        access: check.op,
        reason: ownString(reason),
        key: this.#key(rules.index, `network.${list}`, mechanism, layer.mode)
      };
    };
    if (check.protocol === "tcp" && check.op !== "sendmsg") {
      for (const index of layers) {
        const rules = this.#layers[index];
        const ports = list === "bind" ? rules?.landlockBind : rules?.landlockConnect;
        if (rules === void 0 || ports === void 0 || ports.has(check.port)) continue;
        const denial = deny(
          rules,
          "landlock",
          `no ${list} rule allows TCP port ${check.port} (Landlock port rule)`
        );
        if (rules.layer.mode === "enforce") return denial;
        audited ??= denial;
      }
    }
    for (const index of layers) {
      const rules = this.#layers[index];
      if (rules?.layer.network === void 0) continue;
      const decision = networkDecision(rules.layer.network, check);
      if (decision.allowed) continue;
      const denial = deny(rules, "cgroup-bpf", decision.reason);
      if (rules.layer.mode === "enforce") return denial;
      audited ??= denial;
    }
    return audited;
  }
};

// engine/trace/strace_values.ts
var decoder2 = new TextDecoder("utf-8", { fatal: false });
var SIMPLE_ESCAPES = {
  n: 10,
  t: 9,
  r: 13,
  v: 11,
  f: 12,
  a: 7,
  b: 8,
  "\\": 92,
  '"': 34,
  "'": 39,
  "?": 63
};
function straceString(text) {
  const t = text.trim();
  if (t.length < 2 || t.charCodeAt(0) !== 34 || t.charCodeAt(t.length - 1) !== 34) return void 0;
  const body = t.slice(1, -1);
  if (!body.includes("\\")) return body.includes('"') ? void 0 : body;
  const bytes = [];
  const encoder2 = new TextEncoder();
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"') return void 0;
    if (c !== "\\") {
      const code = body.charCodeAt(i);
      if (code < 128) bytes.push(code);
      else bytes.push(...encoder2.encode(c));
      continue;
    }
    const next = body[++i];
    if (next === void 0) return void 0;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== void 0) {
      bytes.push(simple);
    } else if (next === "x") {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(body.slice(i + 1, i + 3));
      if (hex === null) return void 0;
      bytes.push(parseInt(hex[0], 16));
      i += hex[0].length;
    } else if (next >= "0" && next <= "7") {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i, i + 3));
      bytes.push(parseInt(oct[0], 8) & 255);
      i += oct[0].length - 1;
    } else {
      return void 0;
    }
  }
  return decoder2.decode(new Uint8Array(bytes));
}
function straceDecoration(text) {
  const t = text.trim();
  const open = t.indexOf("<");
  if (open <= 0 || !t.endsWith(">")) return void 0;
  const value = t.slice(open + 1, -1);
  return value.includes("\\") ? straceString(`"${value.replaceAll('"', '\\"')}"`) : value;
}
var FAMILY = /sa_family=(AF_[A-Z0-9]+)/;
var PORT = /sin6?_port=htons\((\d+)\)/;
var INET_ADDR = /sin_addr=inet_addr\(("(?:[^"\\]|\\.)*")\)/;
var INET6_ADDR = /inet_pton\(AF_INET6, ("(?:[^"\\]|\\.)*"), &sin6_addr\)/;
var SUN_PATH = /sun_path=(@?)("(?:[^"\\]|\\.)*")/;
function straceSockaddr(text) {
  const t = text.trim();
  if (!t.startsWith("{")) return void 0;
  const family = FAMILY.exec(t)?.[1];
  if (family === void 0) return void 0;
  if (family === "AF_INET" || family === "AF_INET6") {
    const port = PORT.exec(t);
    const addr = (family === "AF_INET" ? INET_ADDR : INET6_ADDR).exec(t);
    const address = addr === null ? void 0 : straceString(addr[1]);
    if (port === null || address === void 0) return void 0;
    return { family: family === "AF_INET" ? "inet" : "inet6", address, port: Number(port[1]) };
  }
  if (family === "AF_UNIX") {
    const m = SUN_PATH.exec(t);
    const path = m === null ? void 0 : straceString(m[2]);
    return { family: "unix", ...path === void 0 ? {} : { address: `${m[1]}${path}` } };
  }
  return { family: family === "AF_UNSPEC" ? "unspec" : "other" };
}
function straceMsgName(text) {
  const at = text.indexOf("msg_name={");
  if (at === -1) return void 0;
  const start = at + "msg_name=".length;
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) {
        if (text.charCodeAt(i) === 92) i++;
      }
    } else if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return text.slice(start, i + 1);
  }
  return void 0;
}
function straceStructFlags(text) {
  const m = /[{ ]flags=([^,}]+)/.exec(text);
  return m === null ? void 0 : m[1].trim();
}

// engine/trace/strace_metadata.ts
var byPath = (path) => ({ dirfd: -1, path });
var atDir = (dirfd, path) => ({ dirfd, path });
var byFd = (fd) => ({ fd });
var CALLS = /* @__PURE__ */ new Map([
  ["chmod", byPath(0)],
  ["fchmod", byFd(0)],
  ["fchmodat", atDir(0, 1)],
  ["fchmodat2", atDir(0, 1)],
  ["chown", byPath(0)],
  ["chown32", byPath(0)],
  ["lchown", byPath(0)],
  ["lchown32", byPath(0)],
  ["fchown", byFd(0)],
  ["fchown32", byFd(0)],
  ["fchownat", atDir(0, 1)],
  ["utime", byPath(0)],
  ["utimes", byPath(0)],
  ["futimesat", atDir(0, 1)],
  ["utimensat", atDir(0, 1)],
  ["utimensat_time64", atDir(0, 1)],
  ["setxattr", byPath(0)],
  ["lsetxattr", byPath(0)],
  ["fsetxattr", byFd(0)],
  ["setxattrat", atDir(0, 1)],
  ["removexattr", byPath(0)],
  ["lremovexattr", byPath(0)],
  ["fremovexattr", byFd(0)],
  ["removexattrat", atDir(0, 1)]
]);
function isMetadataCall(name) {
  return CALLS.has(name);
}
var UNKNOWN_CWD = "the working directory is unknown (record with strace -y, or give the starting directory with --cwd)";
function fdFile(text, index) {
  const decoration = straceDecoration(text);
  if (decoration === void 0) {
    return { index, reason: `the file of fd ${text} is unknown (record with strace -y)` };
  }
  if (!decoration.startsWith("/")) return null;
  if (decoration.endsWith(" (deleted)")) {
    return { index, reason: `the file of fd ${text} was deleted` };
  }
  return resolvePath(decoration, void 0);
}
function straceMetadataAccess(call, state) {
  const spec = call.name === null ? void 0 : CALLS.get(call.name);
  if (spec === void 0) return void 0;
  if (call.ret !== void 0 && call.ret < 0) return void 0;
  const texts = call.argText;
  let path;
  if ("fd" in spec) {
    path = fdFile(texts[spec.fd] ?? "", spec.fd);
  } else {
    const pathText2 = texts[spec.path] ?? "";
    const dirText = spec.dirfd >= 0 ? texts[spec.dirfd] ?? "" : "AT_FDCWD";
    const written = pathText2 === "NULL" ? "" : straceString(pathText2);
    if (written === void 0 || written.includes("\0")) {
      return { kind: "undecided", index: spec.path, reason: "the path is not shown by the trace" };
    }
    const isCwd = dirText.startsWith("AT_FDCWD");
    const decoration = spec.dirfd >= 0 ? straceDecoration(dirText) : void 0;
    if (isCwd && decoration?.startsWith("/")) {
      const cwd = resolvePath(decoration, void 0);
      if (state.cwd !== cwd) state.cwd = ownString(cwd);
    }
    if (written.startsWith("/")) {
      path = resolvePath(written, void 0);
    } else if (written === "") {
      path = isCwd ? state.cwd ?? { index: spec.path, reason: UNKNOWN_CWD } : fdFile(dirText, spec.dirfd);
    } else if (isCwd) {
      const resolved = resolvePath(written, state.cwd);
      path = resolved ?? {
        index: spec.dirfd >= 0 ? spec.dirfd : spec.path,
        reason: `relative path "${written}": ${UNKNOWN_CWD}`
      };
    } else {
      const base2 = fdFile(dirText, spec.dirfd);
      path = typeof base2 === "string" ? resolvePath(written, base2) : base2 === null ? { index: spec.dirfd, reason: `fd ${dirText} is not a directory` } : { index: spec.dirfd, reason: `relative path "${written}": ${base2.reason}` };
    }
  }
  if (path === null) return void 0;
  if (typeof path !== "string") return { kind: "undecided", ...path };
  return { kind: "paths", path, checks: [{ path, access: "write", change: "metadata" }] };
}

// engine/trace/strace_access.ts
var f2 = (spec) => ({ kind: "file", ...spec });
var CALLS2 = /* @__PURE__ */ new Map([
  ["open", f2({ op: "open", dirfd: -1, path: 0, flags: 1 })],
  ["openat", f2({ op: "open", dirfd: 0, path: 1, flags: 2 })],
  ["openat2", f2({ op: "openat2", dirfd: 0, path: 1, flags: 2 })],
  ["creat", f2({ op: "creat", dirfd: -1, path: 0 })],
  ["execve", f2({ op: "exec", dirfd: -1, path: 0 })],
  ["execveat", f2({ op: "exec", dirfd: 0, path: 1 })],
  ["truncate", f2({ op: "truncate", dirfd: -1, path: 0 })],
  ["truncate64", f2({ op: "truncate", dirfd: -1, path: 0 })],
  ["mkdir", f2({ op: "entry", dirfd: -1, path: 0 })],
  ["mkdirat", f2({ op: "entry", dirfd: 0, path: 1 })],
  ["mknod", f2({ op: "entry", dirfd: -1, path: 0 })],
  ["mknodat", f2({ op: "entry", dirfd: 0, path: 1 })],
  ["unlink", f2({ op: "entry", dirfd: -1, path: 0 })],
  ["unlinkat", f2({ op: "entry", dirfd: 0, path: 1 })],
  ["rmdir", f2({ op: "entry", dirfd: -1, path: 0 })],
  ["symlink", f2({ op: "entry", dirfd: -1, path: 1 })],
  ["symlinkat", f2({ op: "entry", dirfd: 1, path: 2 })],
  ["link", f2({ op: "link", dirfd: -1, path: 0, dirfd2: -1, path2: 1 })],
  ["linkat", f2({ op: "link", dirfd: 0, path: 1, dirfd2: 2, path2: 3 })],
  ["rename", f2({ op: "rename", dirfd: -1, path: 0, dirfd2: -1, path2: 1 })],
  ["renameat", f2({ op: "rename", dirfd: 0, path: 1, dirfd2: 2, path2: 3 })],
  ["renameat2", f2({ op: "rename", dirfd: 0, path: 1, dirfd2: 2, path2: 3 })],
  ["connect", { kind: "net", op: "connect" }],
  ["bind", { kind: "net", op: "bind" }],
  ["sendto", { kind: "net", op: "sendto" }],
  ["sendmsg", { kind: "net", op: "sendmsg" }],
  ["socket", { kind: "state", op: "socket" }],
  ["close", { kind: "state", op: "close" }],
  ["dup", { kind: "state", op: "dup" }],
  ["dup2", { kind: "state", op: "dup2" }],
  ["dup3", { kind: "state", op: "dup2" }],
  ["fcntl", { kind: "state", op: "fcntl" }],
  ["fcntl64", { kind: "state", op: "fcntl" }],
  ["chdir", { kind: "state", op: "chdir" }],
  ["fchdir", { kind: "state", op: "fchdir" }]
]);
function isAccessCall(name) {
  return CALLS2.has(name);
}
var AF_INET3 = 2n;
var AF_INET63 = 10n;
var SOCK_TYPE_MASK2 = 0xfn;
var SOCK_STREAM2 = 1n;
var SOCK_DGRAM2 = 2n;
var IPPROTO_TCP2 = 6n;
var IPPROTO_UDP2 = 17n;
var F_DUPFD = 0n;
var F_DUPFD_CLOEXEC = 1030n;
function socketProtocol(domain, type, protocol) {
  if (domain !== AF_INET3 && domain !== AF_INET63) return "other";
  const t = type & SOCK_TYPE_MASK2;
  if (t === SOCK_STREAM2 && (protocol === 0n || protocol === IPPROTO_TCP2)) return "tcp";
  if (t === SOCK_DGRAM2 && (protocol === 0n || protocol === IPPROTO_UDP2)) return "udp";
  return "other";
}
function fdNumber(value) {
  return value === void 0 || value > 0x7fffffffn ? void 0 : Number(value);
}
var flagCache = /* @__PURE__ */ new Map();
function argValue3(call, index) {
  const text = call.argText[index];
  if (text === void 0) return void 0;
  if (call.arch !== "x86_64") return decodeStraceArg(text, call.arch);
  let value = flagCache.get(text);
  if (value === void 0 && !flagCache.has(text)) {
    value = decodeStraceArg(text, call.arch);
    if (flagCache.size >= 1024) flagCache.clear();
    flagCache.set(text, value);
  }
  return value;
}
function updateState(op, call, state) {
  const ret = call.ret;
  if (ret === void 0 || ret < 0) return;
  switch (op) {
    case "socket": {
      const domain = argValue3(call, 0);
      const type = argValue3(call, 1);
      const protocol = argValue3(call, 2);
      if (domain === void 0 || type === void 0 || protocol === void 0) {
        state.sockets.delete(ret);
      } else {
        state.sockets.set(ret, socketProtocol(domain, type, protocol));
      }
      return;
    }
    case "close": {
      if (state.sockets.size === 0) return;
      const fd = fdNumber(argValue3(call, 0));
      if (fd !== void 0) state.sockets.delete(fd);
      return;
    }
    case "fcntl":
    case "dup":
    case "dup2": {
      if (state.sockets.size === 0) return;
      if (op === "fcntl") {
        const cmd = argValue3(call, 1);
        if (cmd !== F_DUPFD && cmd !== F_DUPFD_CLOEXEC) return;
      }
      const from = fdNumber(argValue3(call, 0));
      const protocol = from === void 0 ? void 0 : state.sockets.get(from);
      if (protocol === void 0) state.sockets.delete(ret);
      else state.sockets.set(ret, protocol);
      return;
    }
    case "chdir": {
      const path = straceString(call.argText[0] ?? "");
      const cwd = path === void 0 ? void 0 : resolvePath(path, state.cwd);
      state.cwd = cwd === void 0 ? void 0 : ownString(cwd);
      return;
    }
    case "fchdir": {
      const dir = straceDecoration(call.argText[0] ?? "");
      state.cwd = dir?.startsWith("/") ? ownString(resolvePath(dir, void 0)) : void 0;
      return;
    }
  }
}
var UNKNOWN_CWD2 = "the working directory is unknown (record with strace -y, or give the starting directory with --cwd)";
function pathOf(call, dirfdIndex, pathIndex, state) {
  const texts = call.argText;
  const pathText2 = texts[pathIndex];
  const path = pathText2 === void 0 ? void 0 : straceString(pathText2);
  if (path === void 0 || path.includes("\0")) {
    return { index: pathIndex, reason: "the path is not shown by the trace" };
  }
  let base2 = state.cwd;
  let baseReason = UNKNOWN_CWD2;
  if (dirfdIndex >= 0) {
    const dirText = texts[dirfdIndex] ?? "";
    const decoration = straceDecoration(dirText);
    if (dirText.startsWith("AT_FDCWD")) {
      if (decoration?.startsWith("/")) {
        base2 = resolvePath(decoration, void 0);
        if (state.cwd !== base2) state.cwd = ownString(base2);
      }
    } else {
      base2 = decoration?.startsWith("/") ? decoration : void 0;
      baseReason = `the directory of fd ${dirText} is unknown (record with strace -y)`;
    }
  }
  if (path === "") {
    if (base2 === void 0 || dirfdIndex < 0) {
      return { index: pathIndex, reason: "an empty path names an fd the trace does not show" };
    }
    return resolvePath(base2, void 0);
  }
  const resolved = resolvePath(path, base2);
  if (resolved === void 0) {
    const fdPath = resolvedFd(call);
    if (fdPath !== void 0) return fdPath;
    return {
      index: dirfdIndex >= 0 ? dirfdIndex : pathIndex,
      reason: `relative path "${path}": ${baseReason}`
    };
  }
  return resolved;
}
function resolvedFd(call) {
  const text = call.retFdPath;
  if (text === void 0 || !text.startsWith("/")) return void 0;
  const path = text.includes("\\") ? straceString(`"${text.replaceAll('"', '\\"')}"`) : text;
  if (path === void 0 || path.endsWith(" (deleted)")) return void 0;
  return resolvePath(path, void 0);
}
var openCache = /* @__PURE__ */ new Map();
function fileAccess(spec, call, state) {
  if (call.ret !== void 0 && call.ret < 0) return void 0;
  const raw = spec.op === "open" && call.arch === "x86_64" ? call.rawArgs : void 0;
  if (raw !== void 0) {
    const hit = openCache.get(raw);
    if (hit !== void 0 && hit.name === call.name && hit.ret === call.retFdPath) {
      return hit.access;
    }
  }
  const access = fileAccessOf(spec, call, state);
  if (raw !== void 0 && access.kind === "paths" && isAbsoluteArg(call.argText[spec.path])) {
    if (openCache.size >= 4096) openCache.clear();
    const own = { ...access, path: ownString(access.path), checks: access.checks.map(ownCheck) };
    openCache.set(ownString(raw), {
      name: call.name,
      ret: call.retFdPath === void 0 ? void 0 : ownString(call.retFdPath),
      access: own
    });
    return own;
  }
  return access;
}
function ownCheck(check) {
  return {
    path: ownString(check.path),
    access: check.access,
    ...check.resolved === void 0 ? {} : { resolved: ownString(check.resolved) }
  };
}
function isAbsoluteArg(text) {
  return text !== void 0 && text.charCodeAt(1) === 47 && text.charCodeAt(0) === 34;
}
function fileAccessOf(spec, call, state) {
  const path = pathOf(call, spec.dirfd, spec.path, state);
  if (typeof path !== "string") return { kind: "undecided", ...path };
  let checks;
  switch (spec.op) {
    case "open":
    case "openat2": {
      const index = spec.flags;
      let flags;
      if (spec.op === "open") {
        flags = argValue3(call, index);
      } else {
        const text = straceStructFlags(call.argText[index] ?? "");
        flags = text === void 0 ? void 0 : decodeStraceArg(text, call.arch);
      }
      if (flags === void 0) {
        return { kind: "undecided", index, reason: "the open flags are not shown by the trace" };
      }
      checks = openChecks(path, flags, resolvedFd(call), call.arch);
      break;
    }
    case "creat":
      checks = openChecks(path, CREAT_FLAGS, resolvedFd(call), call.arch);
      break;
    case "exec":
      checks = fileOpChecks("exec", path);
      break;
    case "truncate":
      checks = fileOpChecks("truncate", path);
      break;
    case "entry":
      checks = fileOpChecks("unlink", path);
      break;
    case "link":
    case "rename": {
      const second = pathOf(call, spec.dirfd2, spec.path2, state);
      if (typeof second !== "string") return { kind: "undecided", ...second };
      checks = spec.op === "rename" ? fileOpChecks("rename", path, { target: second }) : fileOpChecks("link", second);
      break;
    }
  }
  return { kind: "paths", path, checks };
}
function protocolOf(call, state) {
  const decoration = straceDecoration(call.argText[0] ?? "");
  if (decoration !== void 0) {
    if (decoration.startsWith("TCP")) return "tcp";
    if (decoration.startsWith("UDP")) return "udp";
    if (!decoration.startsWith("socket:")) return "other";
  }
  const fd = fdNumber(argValue3(call, 0));
  return fd === void 0 ? void 0 : state.sockets.get(fd);
}
function netAccess(op, call, state) {
  const texts = call.argText;
  let index = 1;
  let addressText = texts[1];
  if (op === "sendto") {
    index = 4;
    addressText = texts[4];
    if (addressText === void 0 || addressText === "NULL") return void 0;
  } else if (op === "sendmsg") {
    const msg = texts[1] ?? "";
    if (!msg.startsWith("{")) {
      return {
        kind: "undecided",
        index: 1,
        reason: "the message header is not shown by the trace"
      };
    }
    addressText = straceMsgName(msg);
    if (addressText === void 0) return void 0;
  }
  const sockaddr = addressText === void 0 ? void 0 : straceSockaddr(addressText);
  if (sockaddr === void 0) {
    return { kind: "undecided", index, reason: "the socket address is not shown by the trace" };
  }
  if (sockaddr.family !== "inet" && sockaddr.family !== "inet6") return void 0;
  const protocol = protocolOf(call, state);
  if (protocol === void 0) {
    return {
      kind: "undecided",
      index: 0,
      reason: `the protocol of socket ${texts[0]} is unknown (its socket() call is not in the trace; record with strace -yy)`
    };
  }
  if (protocol === "other") return void 0;
  const netOp = op === "connect" ? "connect" : op === "bind" ? "bind" : "sendmsg";
  if (netOp === "sendmsg" && protocol !== "udp") return void 0;
  return {
    kind: "network",
    check: { op: netOp, protocol, address: sockaddr.address, port: sockaddr.port }
  };
}
function straceCallAccess(call, state, want = { paths: true, network: true }) {
  const spec = call.name === null ? void 0 : CALLS2.get(call.name);
  if (spec === void 0) return void 0;
  switch (spec.kind) {
    case "state":
      if (spec.op === "chdir" || spec.op === "fchdir" ? want.paths : want.network) {
        updateState(spec.op, call, state);
      }
      return void 0;
    case "file":
      return want.paths ? fileAccess(spec, call, state) : void 0;
    case "net":
      return want.network ? netAccess(spec.op, call, state) : void 0;
  }
}

// engine/dry_run.ts
var TraceUnreadableError = class extends EngineError {
  /** Which case it is. */
  reason;
  /**
   * Creates the error.
   *
   * @param reason which case it is
   * @param message what is wrong, naming the trace
   * @param subject the trace file, when it is one
   */
  constructor(reason, message, subject) {
    super("TRACE_MALFORMED", message, subject === void 0 ? {} : { subject });
    this.name = "TraceUnreadableError";
    this.reason = reason;
  }
};
function detach(text) {
  return JSON.parse(JSON.stringify(text));
}
function detachAll(texts) {
  return JSON.parse(JSON.stringify(texts));
}
var FINDING_ACTIONS = /* @__PURE__ */ new Set(["deny", "kill", "kill_thread", "trap"]);
function argumentIndexes(set) {
  const out = /* @__PURE__ */ new Map();
  for (const layer of set.layers) {
    for (const filter of layer.arches) {
      let byNr = out.get(filter.arch);
      if (byNr === void 0) out.set(filter.arch, byNr = /* @__PURE__ */ new Map());
      for (const s of filter.syscalls) {
        if (s.cases.length === 0) continue;
        const indexes = new Set(byNr.get(s.nr) ?? []);
        for (const c of s.cases) for (const t of c.tests) indexes.add(t.index);
        byNr.set(s.nr, [...indexes].sort());
      }
    }
  }
  return out;
}
var NET_CALLS = /* @__PURE__ */ new Set(["connect", "bind", "sendto", "sendmsg"]);
var OPEN_FLAGS2 = /* @__PURE__ */ new Map([["open", 1], ["openat", 2], [
  "openat2",
  2
]]);
function fileCallAccesses(call) {
  const name = call.name;
  if (name === "execve" || name === "execveat") return ["execute"];
  const index = OPEN_FLAGS2.get(name);
  if (index === void 0) return ["write"];
  const text = call.argText[index];
  if (text === void 0) return void 0;
  const flagsText = name === "openat2" ? straceStructFlags(text) : text;
  const flags = flagsText === void 0 ? void 0 : decodeStraceArg(flagsText, call.arch);
  return flags === void 0 ? void 0 : openChecks("/", flags).map((c) => c.access);
}
var Replay = class {
  #set;
  #maxFindings;
  #maxReported;
  #fail;
  #argIndexes;
  #procs = /* @__PURE__ */ new Map();
  /** The last call's process: consecutive calls of one process are the common case. */
  #lastProc;
  /** Scratch arguments for {@linkcode Evaluator.decide}, which does not keep them. */
  #values = [0n, 0n, 0n, 0n, 0n, 0n];
  #bySignature = /* @__PURE__ */ new Map();
  #layersBySignature = /* @__PURE__ */ new Map();
  #access;
  #want;
  /** Whether metadata calls (`chmod`, …) are decided (the `root` view). */
  #metadata;
  #cwd;
  #arch;
  /** Whether calls carry strace's argument text (paths and addresses). */
  straceArgs = false;
  #byRule = /* @__PURE__ */ new Map();
  findings = [];
  undecided = [];
  malformed = [];
  findingsTotal = 0;
  undecidedTotal = 0;
  malformedTotal = 0;
  /** Items that were not malformed lines (calls, process steps, events). */
  understood = 0;
  /** Malformed lines that hold binary data (a NUL byte or bytes that are not UTF-8). */
  binaryLines = 0;
  calls = 0;
  processes = 0;
  constructor(set, options) {
    this.#set = set;
    this.#maxFindings = options.maxFindings ?? 1e4;
    this.#maxReported = options.maxReported ?? 1e3;
    this.#fail = options.onMalformed === "fail";
    this.#argIndexes = argumentIndexes(set);
    this.#access = AccessRules.of(set, { view: options.view ?? "root" });
    this.#want = this.#access === void 0 ? void 0 : { paths: this.#access.decidesPaths, network: this.#access.hasNetwork };
    this.#metadata = this.#access?.view === "root";
    this.#cwd = options.cwd;
    this.#arch = options.arch ?? "x86_64";
  }
  #proc(pid) {
    let proc = this.#procs.get(pid);
    if (proc === void 0) {
      proc = {
        pid,
        comm: void 0,
        executable: void 0,
        evaluator: void 0,
        layers: [],
        cwd: this.#cwd,
        sockets: /* @__PURE__ */ new Map()
      };
      this.#procs.set(pid, proc);
      this.processes++;
    }
    return proc;
  }
  #evaluator(proc) {
    if (proc.evaluator !== void 0) return proc.evaluator;
    const info = {
      pid: proc.pid,
      ...proc.comm === void 0 ? {} : { comm: proc.comm },
      ...proc.executable === void 0 ? {} : { executable: proc.executable }
    };
    const matching = this.#set.layers.map((l, i) => targetMatches(l.target, info) ? i : -1).filter((i) => i >= 0);
    const signature = matching.join(",");
    let evaluator = this.#bySignature.get(signature);
    if (evaluator === void 0) {
      evaluator = new Evaluator(this.#set, info);
      this.#bySignature.set(signature, evaluator);
      this.#layersBySignature.set(signature, matching);
    }
    proc.layers = this.#layersBySignature.get(signature);
    return proc.evaluator = evaluator;
  }
  add(item) {
    if (item.kind !== "malformed") this.understood++;
    switch (item.kind) {
      case "call":
        this.#call(item);
        return;
      case "process": {
        this.#lastProc = void 0;
        if (item.op === "fork") {
          const parent = item.ppid === void 0 ? void 0 : this.#procs.get(item.ppid);
          this.#procs.delete(item.pid);
          const child2 = this.#proc(item.pid);
          child2.comm = parent?.comm;
          child2.executable = parent?.executable;
          if (parent !== void 0) {
            child2.cwd = parent.cwd;
            if (parent.sockets.size > 0) {
              for (const [fd, p] of parent.sockets) child2.sockets.set(fd, p);
            }
          }
        } else if (item.op === "exec") {
          const proc = this.#proc(item.pid);
          if (item.executable !== void 0) {
            proc.executable = item.executable;
            proc.comm = commOf(item.executable);
          }
          proc.evaluator = void 0;
        } else {
          this.#procs.delete(item.pid);
        }
        return;
      }
      case "event":
        if (this.#access !== void 0) this.#event(item.line, item.event);
        return;
      case "malformed":
        this.malformedTotal++;
        if (isBinary(item.text)) {
          this.binaryLines++;
          item = { ...item, reason: `binary data, not text (${item.reason})` };
        }
        if (this.#fail) {
          throw new EngineError(
            "TRACE_MALFORMED",
            `line ${item.line}: ${item.reason}: ${item.text}`,
            {
              line: item.line
            }
          );
        }
        if (this.malformed.length < this.#maxReported) {
          this.malformed.push({ ...item, reason: detach(item.reason), text: detach(item.text) });
        }
        return;
    }
  }
  #call(call) {
    this.calls++;
    let proc = this.#lastProc;
    if (proc === void 0 || proc.pid !== call.pid) this.#lastProc = proc = this.#proc(call.pid);
    const evaluator = this.#evaluator(proc);
    const access = this.#access === void 0 || !this.straceArgs || call.name === null ? void 0 : isAccessCall(call.name) ? straceCallAccess(call, proc, this.#want) : this.#metadata && isMetadataCall(call.name) ? straceMetadataAccess(call, proc) : void 0;
    if (!evaluator.arches.includes(call.arch)) {
      this.add({
        kind: "malformed",
        line: call.line,
        reason: `the policy was not compiled for architecture "${call.arch}"`,
        text: `${call.name ?? call.nr}(…)`
      });
      return;
    }
    const indexes = this.#argIndexes.get(call.arch)?.get(call.nr);
    let verdict;
    if (indexes === void 0) {
      verdict = evaluator.decide(call.arch, call.nr);
    } else {
      const args = call.args;
      let complete = true;
      for (let i = 0; i < indexes.length; i++) complete &&= args[indexes[i]] !== void 0;
      if (!complete) {
        const missing = indexes.filter((i) => args[i] === void 0);
        this.undecidedTotal++;
        if (this.undecided.length < this.#maxReported) {
          this.undecided.push({
            line: call.line,
            pid: call.pid,
            syscall: call.name,
            args: detachAll(call.argText),
            missing
          });
        }
        return;
      }
      const values = this.#values;
      for (let i = 0; i < 6; i++) values[i] = args[i] ?? 0n;
      verdict = evaluator.decide(call.arch, call.nr, values);
    }
    const action2 = intendedAction(verdict);
    if (!FINDING_ACTIONS.has(action2)) {
      if (access !== void 0) this.#decideAccess(call, proc, access);
      return;
    }
    this.findingsTotal++;
    let rule = this.#byRule.get(verdict);
    if (rule === void 0) {
      rule = { ruleId: verdict.ruleId, policy: verdict.policy, loc: verdict.loc, action: action2, count: 0 };
      this.#byRule.set(verdict, rule);
    }
    rule.count++;
    if (this.findings.length >= this.#maxFindings) return;
    this.findings.push({
      line: call.line,
      pid: call.pid,
      ...call.tid === void 0 ? {} : { tid: call.tid },
      ...proc.comm === void 0 ? {} : { comm: proc.comm },
      arch: call.arch,
      nr: call.nr,
      syscall: call.name,
      args: detachAll(call.argText),
      action: action2,
      ...verdict.errno === void 0 ? {} : { errno: verdict.errno },
      mode: isAudited(verdict) ? "audit" : "enforce",
      ruleId: verdict.ruleId,
      policy: verdict.policy,
      loc: verdict.loc,
      mechanism: "seccomp"
    });
  }
  #undecided(line, pid, syscall, args, missing, reason) {
    this.undecidedTotal++;
    if (this.undecided.length < this.#maxReported) {
      this.undecided.push({
        line,
        pid,
        syscall,
        args: detachAll(args),
        missing,
        reason: detach(reason)
      });
    }
  }
  #decideAccess(call, proc, access) {
    if (access.kind === "undecided") {
      const accesses = NET_CALLS.has(call.name) ? void 0 : fileCallAccesses(call);
      if (accesses !== void 0 && !accesses.some((a) => this.#access.mayDeny(proc.layers, a))) {
        return;
      }
      this.#undecided(call.line, call.pid, call.name, call.argText, [access.index], access.reason);
      return;
    }
    let denial;
    if (access.kind === "paths") {
      if (isDescriptorPath(access.path) && access.checks.every((c) => c.resolved === void 0)) return;
      denial = this.#access.decideAccess(proc.layers, access.checks);
    } else {
      denial = this.#access.decideNetwork(proc.layers, access.check);
    }
    if (denial === void 0) return;
    if (this.findings.length >= this.#maxFindings) {
      this.#countAccess(denial);
      return;
    }
    this.#accessFinding(call.line, proc, call.arch, call.nr, call.name, call.argText, denial, {
      ...call.tid === void 0 ? {} : { tid: call.tid },
      ...access.kind === "paths" ? { path: access.path } : access.check
    });
  }
  /** Counts a path or network finding (per deciding section too). */
  #countAccess(denial) {
    this.findingsTotal++;
    let rule = this.#byRule.get(denial.key);
    if (rule === void 0) {
      rule = {
        ruleId: denial.ruleId,
        policy: denial.policy,
        loc: denial.loc,
        action: "deny",
        count: 0
      };
      this.#byRule.set(denial.key, rule);
    }
    rule.count++;
  }
  #accessFinding(line, proc, arch, nr, syscall, args, denial, details) {
    this.#countAccess(denial);
    if (this.findings.length >= this.#maxFindings) return;
    const isPath = denial.mechanism !== "cgroup-bpf" && denial.section.startsWith("filesystem");
    this.findings.push({
      line,
      pid: proc.pid,
      ...details.tid === void 0 ? {} : { tid: details.tid },
      ...proc.comm === void 0 ? {} : { comm: proc.comm },
      arch,
      nr,
      syscall,
      args: detachAll(args),
      action: "deny",
      errno: denial.errno,
      mode: denial.mode,
      ruleId: denial.ruleId,
      policy: denial.policy,
      loc: denial.loc,
      mechanism: denial.mechanism,
      section: denial.section,
      ...isPath ? {
        ...details.path === void 0 ? {} : { path: detach(details.path) },
        access: denial.access,
        checked: denial.subject
        // owned by the rules' cache, not cut from the trace
      } : {
        netOp: denial.access,
        ...details.protocol === void 0 ? {} : { protocol: details.protocol },
        ...details.address === void 0 ? {} : { address: detach(details.address) },
        ...details.port === void 0 ? {} : { port: details.port }
      },
      reason: denial.reason
    });
  }
  /** A `file` or `network` event of a JSON Lines trace. */
  #event(line, event) {
    if (event.kind !== "file" && event.kind !== "network") return;
    const proc = this.#proc(event.pid);
    this.#evaluator(proc);
    const syscall = event.syscall ?? null;
    const nr = syscall === null ? -1 : syscallNumber(this.#arch, syscall) ?? -1;
    if (event.kind === "file") {
      if (event.result !== void 0 && event.result < 0) return;
      const args2 = [
        JSON.stringify(event.path),
        ...event.target === void 0 ? [] : [JSON.stringify(event.target)]
      ];
      const display2 = syscall ?? event.op;
      if (!event.path.startsWith("/") || event.target !== void 0 && !event.target.startsWith("/")) {
        const needed = fileOpChecks(event.op, "/", {
          ...event.flags === void 0 ? {} : { flags: event.flags },
          arch: this.#arch,
          ...event.target === void 0 ? {} : { target: "/" }
        }).map((c) => c.access);
        if (!needed.some((a) => this.#access.mayDeny(proc.layers, a))) return;
        this.#undecided(
          line,
          event.pid,
          display2,
          args2,
          [],
          `relative path in a ${event.op} event: the working directory is not in the event`
        );
        return;
      }
      const checks = fileOpChecks(event.op, event.path, {
        ...event.flags === void 0 ? {} : { flags: event.flags },
        arch: this.#arch,
        ...event.target === void 0 ? {} : { target: event.target }
      });
      const denial2 = this.#access.decideAccess(proc.layers, checks);
      if (denial2 !== void 0) {
        this.#accessFinding(line, proc, this.#arch, nr, display2, args2, denial2, {
          ...event.tid === void 0 ? {} : { tid: event.tid },
          path: event.path
        });
      }
      return;
    }
    const op = event.op === "connect" ? "connect" : event.op === "bind" ? "bind" : event.op === "send" ? "sendmsg" : void 0;
    if (op === void 0 || event.family !== "inet" && event.family !== "inet6") return;
    if (event.protocol !== "tcp" && event.protocol !== "udp") return;
    if (op === "sendmsg" && event.protocol !== "udp") return;
    const display = syscall ?? event.op;
    const args = [`${event.address ?? "?"}`, `${event.port ?? "?"}`];
    if (event.address === void 0 || event.port === void 0) {
      this.#undecided(
        line,
        event.pid,
        display,
        args,
        [],
        `the ${event.op} event has no address or port`
      );
      return;
    }
    const check = {
      op,
      protocol: event.protocol,
      address: event.address,
      port: event.port
    };
    let denial;
    try {
      denial = this.#access.decideNetwork(proc.layers, check);
    } catch (error) {
      this.add({ kind: "malformed", line, reason: error.message, text: args.join(" ") });
      return;
    }
    if (denial !== void 0) {
      this.#accessFinding(line, proc, this.#arch, nr, display, args, denial, {
        ...event.tid === void 0 ? {} : { tid: event.tid },
        ...check
      });
    }
  }
  byRule() {
    const merged = /* @__PURE__ */ new Map();
    for (const r of this.#byRule.values()) {
      const key = `${r.policy}\0${r.ruleId}\0${r.action}\0${formatLocation(r.loc)}`;
      const m = merged.get(key);
      if (m === void 0) merged.set(key, { ...r });
      else m.count += r.count;
    }
    return [...merged.values()].sort((a, b) => b.count - a.count);
  }
};
function isBinary(text) {
  return text.includes("\0") || text.includes("�");
}
var BINARY_LINES_TO_GIVE_UP = 16;
function unreadable(source, format, replay, lines, first, arch) {
  const subject = typeof source === "string" ? source : void 0;
  const name = subject === void 0 ? "The trace" : `Trace "${subject}"`;
  if (first === void 0) {
    return new TraceUnreadableError(
      "empty",
      `${name} is empty (${lines} line${lines === 1 ? "" : "s"}, none with content): there is nothing to replay`,
      subject
    );
  }
  if (replay.binaryLines > 0 && replay.binaryLines === replay.malformedTotal) {
    return new TraceUnreadableError(
      "binary",
      `${name} is binary data, not strace output or JSON Lines (line ${first.line} holds a NUL byte or bytes that are not UTF-8)`,
      subject
    );
  }
  if (replay.malformedTotal === 0) {
    return new TraceUnreadableError(
      "empty",
      `${name} holds no call, process or event (${lines} lines of comments or signals only): there is nothing to replay`,
      subject
    );
  }
  const shown = first.text.length > 120 ? `${first.text.slice(0, 120)}…` : first.text;
  let hint = "";
  if (format === "jsonl") {
    const items2 = [];
    const parser = new StraceParser(arch === void 0 ? {} : { arch });
    parser.push(first.text, first.line, items2);
    parser.end(items2);
    if (items2.some((i) => i.kind !== "malformed")) {
      hint = "; it looks like strace output: read it as strace (--trace-format strace, or auto)";
    }
  } else if (first.text.trimStart().startsWith("{")) {
    hint = "; it looks like JSON Lines: read it as JSON Lines (--trace-format jsonl, or auto)";
  }
  return new TraceUnreadableError(
    "unparseable",
    `No line of ${subject === void 0 ? "the trace" : `trace "${subject}"`} could be read as ${format === "jsonl" ? "JSON Lines" : "strace output"} (${replay.malformedTotal} malformed line${replay.malformedTotal === 1 ? "" : "s"}; line ${first.line}: ${JSON.stringify(shown)})${hint}`,
    subject
  );
}
function warningsFor(set) {
  const warnings = [];
  for (const layer of set.layers) {
    const t = layer.target;
    if (t?.uids !== void 0 || t?.cgroups !== void 0) {
      warnings.push(
        `Policy "${layer.policy}" targets uids or cgroups, which a trace does not record: it applies to no traced process`
      );
    }
  }
  return warnings;
}
async function* batches(source) {
  if (typeof source === "string") {
    yield* readLineBatches(readTraceFile(source));
  } else if (source instanceof ReadableStream) {
    yield* readLineBatches(source);
  } else {
    let batch = [];
    for (const line of source) {
      batch.push(line);
      if (batch.length === 4096) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
}
async function dryRun(set, source, options = {}) {
  const replay = new Replay(set, options);
  let format = options.format === "auto" ? void 0 : options.format;
  const parser = new StraceParser(options.arch === void 0 ? {} : { arch: options.arch });
  replay.straceArgs = format === "strace";
  const items2 = [];
  let done = 0;
  let lineNo = 0;
  let nextProgress = 65536;
  let first;
  for await (const batch of batches(source)) {
    for (let i = 0; i < batch.length; i++) {
      const text = batch[i];
      lineNo++;
      if (first === void 0) {
        const trimmed = text.trimStart();
        if (trimmed.length === 0) continue;
        first = { text: detach(trimmed.slice(0, 1024)), line: lineNo };
        if (format === void 0) {
          format = trimmed.startsWith("{") ? "jsonl" : "strace";
          replay.straceArgs = format === "strace";
        }
      }
      if (format === "jsonl") {
        const item = parseJsonlTraceLine(text, lineNo);
        if (item !== void 0) replay.add(item);
      } else {
        parser.push(text, lineNo, items2);
        while (done < items2.length) replay.add(items2[done++]);
        if (done >= 1024) {
          items2.length = 0;
          done = 0;
        }
      }
    }
    if (replay.understood === 0 && replay.binaryLines >= BINARY_LINES_TO_GIVE_UP) {
      throw unreadable(source, format, replay, lineNo, first, options.arch);
    }
    if (options.onProgress !== void 0 && lineNo >= nextProgress) {
      options.onProgress(lineNo);
      nextProgress = lineNo + 65536;
    }
  }
  if (format === "strace") {
    parser.end(items2);
    while (done < items2.length) replay.add(items2[done++]);
  }
  if (replay.understood === 0) {
    throw unreadable(source, format, replay, lineNo, first, options.arch);
  }
  return {
    format: format ?? "strace",
    lines: lineNo,
    calls: replay.calls,
    processes: replay.processes,
    findings: replay.findings,
    findingsTotal: replay.findingsTotal,
    byRule: replay.byRule(),
    undecided: replay.undecided,
    undecidedTotal: replay.undecidedTotal,
    malformed: replay.malformed,
    malformedTotal: replay.malformedTotal,
    warnings: warningsFor(set)
  };
}

// cli/format_sarif.ts
var SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
var LEVEL = {
  error: "error",
  warning: "warning",
  info: "note"
};
function artifactUri(file) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(file) && !/^[a-z]:[\\/]/i.test(file)) return file;
  const path = file.replaceAll("\\", "/").replace(/^\.\//, "");
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return path.startsWith("/") ? `file://${encoded}` : encoded;
}
function toSarif(findings, options) {
  const known = options.rules ?? {};
  const codes = [.../* @__PURE__ */ new Set([...Object.keys(known), ...findings.map((f3) => f3.code)])].sort();
  const rules = codes.map((code) => {
    const info = Object.hasOwn(known, code) ? known[code] : void 0;
    const severity = info?.severity ?? findings.find((f3) => f3.code === code)?.severity ?? "error";
    const text = info?.description ?? `Policy problem "${code}"`;
    return {
      id: code,
      name: code.replace(/(^|-)([a-z])/g, (_, __, c) => c.toUpperCase()),
      shortDescription: { text },
      fullDescription: { text },
      defaultConfiguration: { level: LEVEL[severity] }
    };
  });
  const index = new Map(codes.map((code, i) => [code, i]));
  const results = findings.map((finding) => ({
    ruleId: finding.code,
    ruleIndex: index.get(finding.code) ?? 0,
    level: LEVEL[finding.severity],
    message: { text: finding.message },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: artifactUri(finding.loc.file) },
        region: {
          startLine: Math.max(1, finding.loc.line),
          startColumn: Math.max(1, finding.loc.column)
        }
      }
    }],
    ...finding.policy !== void 0 || finding.rule !== void 0 ? {
      properties: {
        ...finding.policy !== void 0 ? { policy: finding.policy } : {},
        ...finding.rule !== void 0 ? { rule: finding.rule } : {}
      }
    } : {}
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [{
      tool: {
        driver: {
          name: options.toolName,
          version: options.toolVersion,
          ...options.informationUri !== void 0 ? { informationUri: options.informationUri } : {},
          rules
        }
      },
      columnKind: "utf16CodeUnits",
      results
    }]
  };
}

// cli/sarif_rules.ts
var POLICY_ERROR_RULES = {
  "yaml-syntax": {
    severity: "error",
    description: "The text is not valid YAML, or uses YAML features policies forbid (tags, unknown aliases, complex keys)."
  },
  "too-large": { severity: "error", description: "The policy file is larger than the limit." },
  "too-deep": { severity: "error", description: "The policy nests deeper than the limit." },
  "too-many-documents": {
    severity: "error",
    description: "The file has more YAML documents than the limit."
  },
  "too-many-aliases": {
    severity: "error",
    description: "The file expands more YAML aliases than the limit (an alias bomb)."
  },
  "too-many-errors": {
    severity: "error",
    description: "The file has more problems than are reported; the first ones are shown."
  },
  "no-policy": { severity: "error", description: "The file has no policy document." },
  "unknown-key": {
    severity: "error",
    description: "A key the policy schema does not define (often a misspelling)."
  },
  "missing-key": { severity: "error", description: "A key the policy schema requires is missing." },
  "wrong-type": {
    severity: "error",
    description: "A value of the wrong type (a list where a map is expected, a string for a number)."
  },
  "bad-value": { severity: "error", description: "A value the schema does not accept." },
  "unknown-syscall": {
    severity: "error",
    description: "A syscall name that exists on no architecture."
  },
  "unknown-capability": {
    severity: "error",
    description: "A capability group name that does not exist."
  },
  "unknown-constant": {
    severity: "error",
    description: "A symbolic constant (flag, socket family, ioctl request) that does not exist."
  },
  "unknown-errno": { severity: "error", description: "An errno name that does not exist." },
  "bad-arg": {
    severity: "error",
    description: "An argument condition that cannot hold as written (argument index, operator, mask or 64-bit range)."
  },
  "bad-endpoint": { severity: "error", description: "A network endpoint that cannot be parsed." },
  "bad-path": { severity: "error", description: "A filesystem path that cannot be used." },
  "duplicate-name": {
    severity: "error",
    description: "Two policies of the set have the same name."
  },
  "duplicate-id": { severity: "error", description: "Two rules of a policy have the same id." },
  "extends-unknown": {
    severity: "error",
    description: "`spec.extends` names a policy that is neither in the set nor a builtin profile."
  },
  "extends-cycle": {
    severity: "error",
    description: "Policies extend each other in a cycle."
  },
  "unreadable-file": {
    severity: "error",
    description: "A policy file could not be read (missing, not a file, or not UTF-8 text)."
  }
};
var DRY_RUN_RULES = {
  "would-deny": { severity: "error", description: "A traced call would be denied by the policy." },
  "would-kill": { severity: "error", description: "A traced call would kill its process." },
  "would-kill-thread": { severity: "error", description: "A traced call would kill its thread." },
  "would-trap": { severity: "error", description: "A traced call would raise SIGSYS." },
  "undecided-call": {
    severity: "warning",
    description: "A traced call's decision depends on an argument the trace does not show."
  },
  "malformed-trace-line": { severity: "warning", description: "A trace line could not be parsed." }
};
var DIFF_RULES = {
  "privilege-added": {
    severity: "error",
    description: "The new policies allow something the base policies do not (privileges grew)."
  },
  "privilege-removed": {
    severity: "info",
    description: "The base policies allow something the new policies do not (privileges shrank)."
  }
};
var CHECK_RULES = {
  ...LINT_CODES,
  ...POLICY_ERROR_RULES
};
var ACTION_RULES = {
  ...LINT_CODES,
  ...POLICY_ERROR_RULES,
  ...DRY_RUN_RULES,
  ...DIFF_RULES
};
function withRuleHelp(log, docs) {
  return {
    ...log,
    runs: log.runs.map((run2) => ({
      ...run2,
      tool: {
        ...run2.tool,
        driver: {
          ...run2.tool.driver,
          ...docs === void 0 ? {} : { informationUri: docs.informationUri },
          rules: run2.tool.driver.rules.map((rule) => {
            const text = rule.fullDescription.text;
            if (docs === void 0) return { ...rule, help: { text, markdown: text } };
            const helpUri = `${docs.rulesUri}#${rule.id}`;
            return {
              ...rule,
              helpUri,
              help: {
                text: `${text} See ${helpUri}.`,
                markdown: `${text}

See [\`${rule.id}\`](${helpUri}).`
              }
            };
          })
        }
      }
    }))
  };
}

// deno.json
var deno_default = {
  name: "@cordon/cordon",
  version: "0.1.0",
  license: "Apache-2.0",
  exports: {
    ".": "./mod.ts",
    "./linux": "./linux.ts",
    "./dtrace": "./dtrace.ts",
    "./cli": "./cli.ts"
  },
  imports: {
    "ipaddr.js": "npm:ipaddr.js@2.2.0",
    "jsonc-parser": "npm:jsonc-parser@3.3.1",
    yaml: "npm:yaml@2.9.1"
  },
  nodeModulesDir: "none",
  compilerOptions: {
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    noImplicitReturns: true,
    noFallthroughCasesInSwitch: true
  },
  tasks: {
    cordon: {
      description: "the command line: ./deno task cordon <command> (see --help)",
      command: "deno run -A mod.ts"
    },
    demo: {
      description: "the embedded default policy (builtin:baseline) through check, compile and eval",
      command: "deno run -A mod.ts demo"
    },
    setup: {
      description: "install and mount what the kernel tests need (idempotent; root)",
      command: "bash scripts/setup.sh"
    },
    test: {
      description: "every test: setup first, then the whole suite in parallel, with every documentation example (--doc)",
      command: "bash scripts/setup.sh && deno test -A --trace-leaks --parallel --doc"
    },
    bench: {
      description: "the micro-benchmarks beside the code (deno bench); side-by-side benches are in bench/",
      command: "deno bench -A"
    },
    "build:action": {
      description: "bundle the GitHub Action (action/dist/index.mjs) with esbuild",
      command: "deno run -A action/build.ts"
    },
    "doc:lint": {
      description: "deno doc --lint for every export entry",
      command: "deno doc --lint mod.ts linux.ts dtrace.ts cli.ts"
    },
    playground: {
      description: "build the browser playground and serve it on 127.0.0.1",
      command: "deno run -A playground/serve.ts"
    },
    "playground:build": {
      description: "build the browser playground into .cache/playground/",
      command: "deno run -A playground/build.ts"
    },
    "playground:screenshots": {
      description: "screenshots of the playground and an HTML report (headless Chromium)",
      command: "deno run -A tests/browser/screenshots.ts"
    },
    ok: {
      description: "what CI checks, without the kernel requirement: fmt, lint, check, doc lint, tests",
      command: "deno fmt --check && deno lint && deno check mod.ts && deno doc --lint mod.ts && deno task test"
    },
    "gen:syscalls": {
      description: "regenerate the syscall tables from the pinned UAPI headers",
      command: "deno run -A policies/_generate_syscall_tables.ts"
    },
    "gen:bpf": {
      description: "rebuild the BPF objects and bpf/objects.generated.ts",
      command: "bash bpf/build.sh"
    },
    "gen:schema": {
      description: "regenerate policies/policy.schema.json from policies/schema.ts",
      command: "deno run --allow-write=policies/policy.schema.json policies/_generate_policy_schema.ts"
    },
    "gen:constants": {
      description: "regenerate policies/_constants_data.ts from the pinned UAPI headers",
      command: "deno run -A policies/_generate_constants.ts"
    }
  },
  fmt: {
    lineWidth: 100,
    exclude: [
      ".cache/",
      "bpf/build/",
      "tests/testdata/",
      "policies/policy.schema.json",
      "action/dist/"
    ]
  },
  lint: {
    exclude: [
      ".cache/",
      "bpf/build/",
      "tests/testdata/",
      "action/dist/"
    ]
  },
  test: {
    exclude: [
      ".cache/"
    ]
  },
  bench: {
    exclude: [
      ".cache/"
    ]
  },
  publish: {
    exclude: [
      ".ci/",
      ".cache/",
      "tests/",
      "bench/",
      "scripts/",
      "action/",
      "action.yml",
      "playground/",
      "bpf/build/",
      "**/*_test.ts",
      "**/*_bench.ts",
      "compile/_test_policies.ts",
      "compile/_trace_test_sets.ts",
      "compile/_seccomp_check.ts",
      "engine/_test_helpers.ts",
      "backends/dtrace/_stand_in.ts",
      "policies/_generate_*.ts",
      "backends/linux/_generate_object_specs.ts",
      "policies/_fetch_uapi_headers.sh",
      "bpf/vmlinux/",
      "bpf/build.sh",
      "deno",
      "DEVELOPERS.md"
    ]
  }
};

// action/main.ts
var COMMANDS = ["check", "dry-run", "diff"];
var SEVERITIES = ["error", "warning", "info"];
var RANK = { error: 0, warning: 1, info: 2 };
var POLICY_EXTENSIONS = [".yaml", ".yml", ".json"];
var InputError = class extends Error {
  code = "BAD_INPUT";
  constructor(message) {
    super(message);
    this.name = "InputError";
  }
};
function input(name, fallback = "") {
  const value = process2.env[`INPUT_${name.replaceAll(" ", "_").toUpperCase()}`];
  return value === void 0 || value.trim() === "" ? fallback : value.trim();
}
function oneOf2(name, value, allowed2) {
  if (allowed2.includes(value)) return value;
  throw new InputError(`input "${name}": "${value}" is not one of ${allowed2.join(", ")}`);
}
function expandPaths(name, text) {
  const out = [];
  for (const item of text.split(/\s+/).filter((s) => s !== "")) {
    if (item.startsWith("builtin:")) {
      out.push(item);
      continue;
    }
    let isDirectory = false;
    try {
      isDirectory = statSync(item).isDirectory();
    } catch {
    }
    if (!isDirectory) {
      out.push(item);
      continue;
    }
    const found = [];
    const walk = (dir) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = `${dir.replace(/\/$/, "")}/${entry.name}`;
        if (entry.isDirectory()) walk(path);
        else if (POLICY_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) found.push(path);
      }
    };
    walk(item);
    if (found.length === 0) throw new InputError(`input "${name}": ${item} has no policy files`);
    out.push(...found.sort());
  }
  if (out.length === 0) throw new InputError(`input "${name}" names no policy`);
  return out;
}
function readPolicyText(path) {
  const builtin2 = BUILTIN_PROFILES[path];
  if (builtin2 !== void 0) return builtin2;
  if (path.startsWith("builtin:")) {
    const known = Object.keys(BUILTIN_PROFILES).sort().join(", ");
    return new PolicyError(
      "unreadable-file",
      `unknown builtin profile "${path}"; known: ${known}`,
      path,
      1,
      1
    );
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(path));
  } catch (error) {
    const reason = error.code === "ENOENT" ? "no such file" : error.code === "EISDIR" ? "a directory" : error instanceof TypeError ? "not UTF-8 text" : "cannot be read";
    return new PolicyError(
      "unreadable-file",
      `cannot read policy file "${path}": ${reason}`,
      path,
      1,
      1
    );
  }
}
function errorFindings(errors) {
  return errors.map((e) => ({
    severity: "error",
    code: e.code,
    message: e.description,
    loc: { file: e.path, line: e.line, column: e.column }
  }));
}
function load(paths, arches) {
  const { policies, errors } = parsePolicyTexts(
    paths.map((path) => ({
      text: readPolicyText(path),
      file: path,
      // Relative filesystem paths are taken from the file's directory, as loadPolicyFiles does.
      ...path.startsWith("builtin:") ? {} : { dir: resolvePath2(dirname(path)) }
    }))
  );
  if (errors.length > 0) return { ok: false, findings: errorFindings(errors) };
  try {
    const resolved = resolvePolicies({ policies });
    return { ok: true, policies, resolved, filters: compilePolicies(resolved, { arches }) };
  } catch (error) {
    if (error instanceof PolicyErrors) return { ok: false, findings: errorFindings(error.errors) };
    if (error instanceof PolicyError) return { ok: false, findings: errorFindings([error]) };
    throw error;
  }
}
function runCheck(paths, arches) {
  const loaded = load(paths, arches);
  const findings = loaded.ok ? lintPolicies({ policies: loaded.policies }, loaded.resolved, loaded.filters) : loaded.findings;
  return {
    findings,
    summary: loaded.ok ? `checked ${loaded.policies.length} polic${loaded.policies.length === 1 ? "y" : "ies"}` : "the policies do not load"
  };
}
async function runDryRun(paths, arches, trace, format, traceArch) {
  const loaded = load(paths, arches);
  if (!loaded.ok) return { findings: loaded.findings, summary: "the policies do not load" };
  let text;
  try {
    text = readFileSync(trace, "utf8");
  } catch {
    throw new InputError(`input "trace": cannot read ${trace}`);
  }
  const report = await dryRun(loaded.filters, text.split("\n"), { format, arch: traceArch });
  const findings = dryRunFindings(report, trace, false);
  return {
    findings,
    summary: `${trace} (${report.format}, ${report.lines} lines, ${report.calls} calls): ${report.findingsTotal} call(s) would be stopped`
  };
}
function runDiff(base2, paths, arches) {
  const before = load(base2, arches);
  const after = load(paths, arches);
  if (!before.ok || !after.ok) {
    return {
      findings: [...before.ok ? [] : before.findings, ...after.ok ? [] : after.findings],
      summary: "the policies do not load"
    };
  }
  const diff = diffPolicies(before.filters, after.filters, {
    arches,
    oldPolicies: before.resolved,
    newPolicies: after.resolved
  });
  const findings = diff.entries.map((e) => ({
    severity: e.change === "added" ? "error" : "info",
    code: e.change === "added" ? "privilege-added" : "privilege-removed",
    message: `${e.message} (base: ${formatLocation(e.oldLoc)}; new: ${formatLocation(e.newLoc)})`,
    loc: e.change === "added" ? e.newLoc : e.oldLoc
  }));
  const added = diff.entries.filter((e) => e.change === "added").length;
  return {
    findings,
    summary: diff.grew ? `privileges grew: ${added} addition(s)` : "privileges did not grow"
  };
}
function escapeData(text) {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}
function escapeProperty(text) {
  return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}
var ANNOTATION = {
  error: "error",
  warning: "warning",
  info: "notice"
};
function ruleDocs() {
  const server = (process2.env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/$/, "");
  const repository = process2.env.GITHUB_ACTION_REPOSITORY || process2.env.GITHUB_REPOSITORY || "";
  const ref = process2.env.GITHUB_ACTION_REF || process2.env.GITHUB_SHA || "HEAD";
  const override = input("docs-url");
  const home = override !== "" ? override.replace(/\/$/, "") : repository !== "" ? `${server}/${repository}` : "";
  if (!/^https?:\/\/[^/]/.test(home)) {
    throw new InputError(
      'no documentation URL: set input "docs-url" (outside GitHub Actions, GITHUB_ACTION_REPOSITORY and GITHUB_REPOSITORY are unset)'
    );
  }
  const rulesUri = override !== "" ? `${home}/docs/action.md` : `${home}/blob/${encodeURIComponent(ref)}/docs/action.md`;
  return { informationUri: home, rulesUri };
}
async function run() {
  const command = oneOf2("command", input("command", "check"), COMMANDS);
  const failOn = oneOf2("fail-on", input("fail-on", "error"), SEVERITIES);
  const archText = input("arch", "all");
  const arches = archText === "all" ? [...ARCHES] : archText.split(/[\s,]+/).map((a) => oneOf2("arch", a, ARCHES));
  const sarifPath = input("sarif", "cordon.sarif");
  const docs = ruleDocs();
  const paths = expandPaths("policies", input("policies"));
  let outcome;
  if (command === "check") {
    outcome = runCheck(paths, arches);
  } else if (command === "dry-run") {
    const trace = input("trace");
    if (trace === "") throw new InputError('command "dry-run" needs input "trace"');
    const format = oneOf2(
      "trace-format",
      input("trace-format", "auto"),
      [
        "auto",
        "jsonl",
        "strace"
      ]
    );
    const traceArch = oneOf2("trace-arch", input("trace-arch", "x86_64"), ARCHES);
    outcome = await runDryRun(paths, arches, trace, format, traceArch);
  } else {
    const base2 = input("base");
    if (base2 === "") throw new InputError('command "diff" needs input "base" (the old policies)');
    outcome = runDiff(expandPaths("base", base2), paths, arches);
  }
  const log = withRuleHelp(
    toSarif(outcome.findings, {
      toolName: "cordon",
      toolVersion: deno_default.version,
      rules: ACTION_RULES
    }),
    docs
  );
  writeFileSync(sarifPath, JSON.stringify(log, null, 2) + "\n");
  for (const f3 of outcome.findings) {
    const where = `file=${escapeProperty(f3.loc.file)},line=${f3.loc.line},col=${f3.loc.column}`;
    const title = `title=${escapeProperty(`cordon ${command}: ${f3.code}`)}`;
    console.log(`::${ANNOTATION[f3.severity]} ${where},${title}::${escapeData(f3.message)}`);
  }
  const failing = outcome.findings.filter((f3) => RANK[f3.severity] <= RANK[failOn]);
  const counts = SEVERITIES.map(
    (s) => `${outcome.findings.filter((f3) => f3.severity === s).length} ${s}`
  );
  console.log(
    `cordon ${command}: ${outcome.summary}; findings: ${counts.join(", ")}; SARIF: ${sarifPath}`
  );
  if (process2.env.GITHUB_OUTPUT) {
    appendFileSync(
      process2.env.GITHUB_OUTPUT,
      `sarif=${sarifPath}
findings=${outcome.findings.length}
failed=${failing.length > 0}
`
    );
  }
  if (failing.length > 0) {
    console.log(
      `::error title=cordon ${command}::${failing.length} finding(s) at or above "${failOn}"`
    );
    return 1;
  }
  return 0;
}
run().then(
  (code) => {
    process2.exitCode = code;
  },
  (error) => {
    const message = error instanceof Error ? error.message : String(error);
    console.log(`::error title=cordon::${escapeData(message)}`);
    process2.exitCode = error instanceof InputError ? 2 : 1;
  }
);
