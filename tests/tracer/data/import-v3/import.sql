PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value
) WITHOUT ROWID;
INSERT INTO meta VALUES('clock_offset_ns',1796001531955657110);
INSERT INTO meta VALUES('command','sh -c ''./mls-tp-emitter pattern 3 5 && ./mls-tp-emitter strings 6 && (./mls-tp-emitter kill 3; true)''');
INSERT INTO meta VALUES('duration_ns',41261010);
INSERT INTO meta VALUES('end_ns',8081989690844);
INSERT INTO meta VALUES('host','vm');
INSERT INTO meta VALUES('kernel','6.18.44-fc-v782');
INSERT INTO meta VALUES('lost_events',0);
INSERT INTO meta VALUES('lost_packets',0);
INSERT INTO meta VALUES('mlscope_version','0.1.0');
INSERT INTO meta VALUES('recorded_at','2026-11-30T03:33:33Z');
INSERT INTO meta VALUES('schema_version',3);
INSERT INTO meta VALUES('start_ns',8081948429834);
INSERT INTO meta VALUES('trace_path','/tmp/mls-fixture/ctf');
CREATE TABLE process (
  id           INTEGER PRIMARY KEY,
  pid          INTEGER NOT NULL,
  name         TEXT,
  cmdline      TEXT,           -- its argv, shell-quoted
  end_state    TEXT CHECK (end_state IN
                 ('exited', 'killed', 'ended', 'running')),
                               -- when the recording ended ('ended': gone,
                               -- how is not known)
  exit_status  INTEGER,        -- exit code ('exited') or signal ('killed')
  UNIQUE (pid)
);
INSERT INTO process VALUES(1,3338,'mls-tp-emitter','./mls-tp-emitter strings 6','exited',0);
INSERT INTO process VALUES(2,3342,'mls-tp-emitter','./mls-tp-emitter kill 3','killed',9);
INSERT INTO process VALUES(3,3330,'mls-tp-emitter','./mls-tp-emitter pattern 3 5','exited',0);
CREATE TABLE thread (
  id          INTEGER PRIMARY KEY,
  tid         INTEGER NOT NULL,
  process_id  INTEGER NOT NULL REFERENCES process (id),
  name        TEXT,
  UNIQUE (tid, process_id)
);
INSERT INTO thread VALUES(1,3338,1,'mls-tp-emitter');
INSERT INTO thread VALUES(2,3342,2,'mls-tp-emitter');
INSERT INTO thread VALUES(3,3334,3,'worker-1');
INSERT INTO thread VALUES(4,3336,3,'npu-device');
INSERT INTO thread VALUES(5,3333,3,'worker-0');
INSERT INTO thread VALUES(6,3335,3,'worker-2');
INSERT INTO thread VALUES(7,3330,3,'mls-tp-emitter');
INSERT INTO thread VALUES(8,3337,3,'submitter');
CREATE TABLE model (
  id    INTEGER PRIMARY KEY,
  name  TEXT NOT NULL UNIQUE
);
INSERT INTO model VALUES(1,'alpha');
INSERT INTO model VALUES(2,'beta');
CREATE TABLE span_kind (
  id          INTEGER PRIMARY KEY,
  lane        TEXT NOT NULL CHECK (lane IN
                ('activity', 'data', 'compute', 'gpu', 'npu', 'layer')),
  label       TEXT NOT NULL UNIQUE,
  sort_order  INTEGER NOT NULL
);
INSERT INTO span_kind VALUES(1,'activity','Model Compile',10);
INSERT INTO span_kind VALUES(2,'activity','Model Load',11);
INSERT INTO span_kind VALUES(3,'activity','Model Unload',12);
INSERT INTO span_kind VALUES(4,'activity','Prediction',13);
INSERT INTO span_kind VALUES(5,'activity','Batch Prediction',14);
INSERT INTO span_kind VALUES(10,'data','Input Validation',20);
INSERT INTO span_kind VALUES(11,'data','Input Conversion',21);
INSERT INTO span_kind VALUES(12,'data','Output Conversion',22);
INSERT INTO span_kind VALUES(13,'data','Copy to Compute Unit',23);
INSERT INTO span_kind VALUES(14,'data','Copy from Compute Unit',24);
INSERT INTO span_kind VALUES(15,'data','Output Backing Fill',25);
INSERT INTO span_kind VALUES(20,'compute','CPU Compute Request',30);
INSERT INTO span_kind VALUES(21,'compute','GPU Compute Request',31);
INSERT INTO span_kind VALUES(22,'compute','Neural Engine Compute Request',32);
INSERT INTO span_kind VALUES(30,'gpu','GPU Busy',40);
INSERT INTO span_kind VALUES(31,'npu','Neural Engine Busy',41);
INSERT INTO span_kind VALUES(40,'layer','Layer',50);
CREATE TABLE span (
  id         INTEGER PRIMARY KEY,
  kind_id    INTEGER NOT NULL REFERENCES span_kind (id),
  model_id   INTEGER REFERENCES model (id),
  parent_id  INTEGER REFERENCES span (id),   -- the enclosing span, or NULL
  depth      INTEGER NOT NULL DEFAULT 0,     -- 0 for top-level spans
  unit       TEXT CHECK (unit IN ('cpu', 'gpu', 'npu')),
  pid        INTEGER NOT NULL,
  tid        INTEGER NOT NULL,
  start_ns   INTEGER NOT NULL,
  end_ns     INTEGER NOT NULL,
  dur_ns     INTEGER NOT NULL,
  complete   INTEGER NOT NULL DEFAULT 1,
  status     INTEGER NOT NULL DEFAULT 0,     -- the runtime's MlrtStatus
  args       TEXT,                           -- JSON object of event fields
  incomplete_reason TEXT CHECK (incomplete_reason IN
               ('process_died', 'recording_ended', 'end_lost', 'unknown'))
                                             -- NULL when complete
);
INSERT INTO span VALUES(1,1,1,NULL,0,NULL,3330,3330,8081948429834,8081948439993,10159,1,0,'{"span_id":1}',NULL);
INSERT INTO span VALUES(2,2,1,NULL,0,NULL,3330,3330,8081948440645,8081948441326,681,1,0,'{"span_id":2,"cache":"miss"}',NULL);
INSERT INTO span VALUES(3,2,2,NULL,0,NULL,3330,3330,8081948441797,8081948442308,511,1,0,'{"span_id":3,"cache":"hit"}',NULL);
INSERT INTO span VALUES(4,4,1,NULL,0,NULL,3330,3333,8081948743513,8081948751738,8225,1,0,'{"span_id":4,"batch_size":1}',NULL);
INSERT INTO span VALUES(5,10,1,4,1,'cpu',3330,3333,8081948746218,8081948747109,891,1,0,'{"span_id":5,"feature":"image","src_type":"gray8","dst_type":"gray8","bytes":0}',NULL);
INSERT INTO span VALUES(6,11,1,4,1,'cpu',3330,3333,8081948747460,8081948747801,341,1,0,'{"span_id":6,"feature":"image","src_type":"gray8","dst_type":"float32","bytes":4096}',NULL);
INSERT INTO span VALUES(7,20,1,4,1,'cpu',3330,3333,8081948748592,8081948750746,2154,1,0,'{"span_id":7,"first_layer":0,"last_layer":1,"first_layer_name":"conv1","last_layer_name":"relu1"}',NULL);
INSERT INTO span VALUES(8,40,1,7,2,'cpu',3330,3333,8081948749244,8081948749724,480,1,0,'{"span_id":8,"index":0,"name":"conv1","op":"conv"}',NULL);
INSERT INTO span VALUES(9,40,1,7,2,'cpu',3330,3333,8081948750045,8081948750426,381,1,0,'{"span_id":9,"index":1,"name":"relu1","op":"relu"}',NULL);
INSERT INTO span VALUES(10,12,1,4,1,'cpu',3330,3333,8081948751027,8081948751417,390,1,0,'{"span_id":10,"feature":"output","src_type":"float32","dst_type":"gray8","bytes":1024}',NULL);
INSERT INTO span VALUES(11,4,1,NULL,0,NULL,3330,3333,8081948752039,8081948755645,3606,1,0,'{"span_id":11,"batch_size":1}',NULL);
INSERT INTO span VALUES(12,10,1,11,1,'cpu',3330,3333,8081948752299,8081948752560,261,1,0,'{"span_id":12,"feature":"image","src_type":"gray8","dst_type":"gray8","bytes":0}',NULL);
INSERT INTO span VALUES(13,11,1,11,1,'cpu',3330,3333,8081948752870,8081948753231,361,1,0,'{"span_id":13,"feature":"image","src_type":"gray8","dst_type":"float32","bytes":4096}',NULL);
INSERT INTO span VALUES(14,20,1,11,1,'cpu',3330,3333,8081948753451,8081948754884,1433,1,0,'{"span_id":14,"first_layer":0,"last_layer":1,"first_layer_name":"conv1","last_layer_name":"relu1"}',NULL);
INSERT INTO span VALUES(15,40,1,14,2,'cpu',3330,3333,8081948753792,8081948754183,391,1,0,'{"span_id":15,"index":0,"name":"conv1","op":"conv"}',NULL);
INSERT INTO span VALUES(16,40,1,14,2,'cpu',3330,3333,8081948754423,8081948754684,261,1,0,'{"span_id":16,"index":1,"name":"relu1","op":"relu"}',NULL);
INSERT INTO span VALUES(17,12,1,11,1,'cpu',3330,3333,8081948755095,8081948755365,270,1,0,'{"span_id":17,"feature":"output","src_type":"float32","dst_type":"gray8","bytes":1024}',NULL);
INSERT INTO span VALUES(18,4,1,NULL,0,NULL,3330,3333,8081948755956,8081948759743,3787,1,0,'{"span_id":18,"batch_size":1}',NULL);
INSERT INTO span VALUES(19,10,1,18,1,'cpu',3330,3333,8081948756297,8081948756687,390,1,0,'{"span_id":19,"feature":"image","src_type":"gray8","dst_type":"gray8","bytes":0}',NULL);
INSERT INTO span VALUES(20,11,1,18,1,'cpu',3330,3333,8081948756958,8081948757219,261,1,0,'{"span_id":20,"feature":"image","src_type":"gray8","dst_type":"float32","bytes":4096}',NULL);
INSERT INTO span VALUES(21,20,1,18,1,'cpu',3330,3333,8081948757429,8081948758982,1553,1,0,'{"span_id":21,"first_layer":0,"last_layer":1,"first_layer_name":"conv1","last_layer_name":"relu1"}',NULL);
INSERT INTO span VALUES(22,40,1,21,2,'cpu',3330,3333,8081948757820,8081948758160,340,1,0,'{"span_id":22,"index":0,"name":"conv1","op":"conv"}',NULL);
INSERT INTO span VALUES(23,40,1,21,2,'cpu',3330,3333,8081948758411,8081948758721,310,1,0,'{"span_id":23,"index":1,"name":"relu1","op":"relu"}',NULL);
INSERT INTO span VALUES(24,12,1,18,1,'cpu',3330,3333,8081948759252,8081948759533,281,1,0,'{"span_id":24,"feature":"output","src_type":"float32","dst_type":"gray8","bytes":1024}',NULL);
INSERT INTO span VALUES(25,4,1,NULL,0,NULL,3330,3333,8081948760064,8081948764121,4057,1,0,'{"span_id":25,"batch_size":1}',NULL);
INSERT INTO span VALUES(26,10,1,25,1,'cpu',3330,3333,8081948760414,8081948760795,381,1,0,'{"span_id":26,"feature":"image","src_type":"gray8","dst_type":"gray8","bytes":0}',NULL);
INSERT INTO span VALUES(27,11,1,25,1,'cpu',3330,3333,8081948761096,8081948761406,310,1,0,'{"span_id":27,"feature":"image","src_type":"gray8","dst_type":"float32","bytes":4096}',NULL);
INSERT INTO span VALUES(28,20,1,25,1,'cpu',3330,3333,8081948761687,8081948763220,1533,1,0,'{"span_id":28,"first_layer":0,"last_layer":1,"first_layer_name":"conv1","last_layer_name":"relu1"}',NULL);
INSERT INTO span VALUES(29,40,1,28,2,'cpu',3330,3333,8081948762088,8081948762458,370,1,0,'{"span_id":29,"index":0,"name":"conv1","op":"conv"}',NULL);
INSERT INTO span VALUES(30,40,1,28,2,'cpu',3330,3333,8081948762739,8081948763009,270,1,0,'{"span_id":30,"index":1,"name":"relu1","op":"relu"}',NULL);
INSERT INTO span VALUES(31,12,1,25,1,'cpu',3330,3333,8081948763430,8081948763851,421,1,0,'{"span_id":31,"feature":"output","src_type":"float32","dst_type":"gray8","bytes":1024}',NULL);
INSERT INTO span VALUES(32,4,1,NULL,0,NULL,3330,3333,8081948764402,8081948768620,4218,1,0,'{"span_id":32,"batch_size":1}',NULL);
INSERT INTO span VALUES(33,10,1,32,1,'cpu',3330,3333,8081948764753,8081948765214,461,1,0,'{"span_id":33,"feature":"image","src_type":"gray8","dst_type":"gray8","bytes":0}',NULL);
INSERT INTO span VALUES(34,11,1,32,1,'cpu',3330,3333,8081948765514,8081948765875,361,1,0,'{"span_id":34,"feature":"image","src_type":"gray8","dst_type":"float32","bytes":4096}',NULL);
INSERT INTO span VALUES(35,20,1,32,1,'cpu',3330,3333,8081948766155,8081948767748,1593,1,0,'{"span_id":35,"first_layer":0,"last_layer":1,"first_layer_name":"conv1","last_layer_name":"relu1"}',NULL);
INSERT INTO span VALUES(36,40,1,35,2,'cpu',3330,3333,8081948766536,8081948766826,290,1,0,'{"span_id":36,"index":0,"name":"conv1","op":"conv"}',NULL);
INSERT INTO span VALUES(37,40,1,35,2,'cpu',3330,3333,8081948767157,8081948767498,341,1,0,'{"span_id":37,"index":1,"name":"relu1","op":"relu"}',NULL);
INSERT INTO span VALUES(38,12,1,32,1,'cpu',3330,3333,8081948768059,8081948768399,340,1,0,'{"span_id":38,"feature":"output","src_type":"float32","dst_type":"gray8","bytes":1024}',NULL);
INSERT INTO span VALUES(39,4,2,NULL,0,NULL,3330,3334,8081948942426,8081948951643,9217,1,0,'{"span_id":39,"batch_size":1}',NULL);
INSERT INTO span VALUES(40,10,2,39,1,'cpu',3330,3334,8081948946543,8081948947485,942,1,0,'{"span_id":40,"feature":"image","src_type":"gray8","dst_type":"gray8","bytes":0}',NULL);
INSERT INTO span VALUES(41,11,2,39,1,'cpu',3330,3334,8081948947866,8081948948277,411,1,0,'{"span_id":41,"feature":"image","src_type":"gray8","dst_type":"float32","bytes":4096}',NULL);
INSERT INTO span VALUES(42,20,2,39,1,'cpu',3330,3334,8081948948718,8081948950701,1983,1,0,'{"span_id":42,"first_layer":0,"last_layer":1,"first_layer_name":"conv1","last_layer_name":"relu1"}',NULL);
INSERT INTO span VALUES(43,40,2,42,2,'cpu',3330,3334,8081948949289,8081948949870,581,1,0,'{"span_id":43,"index":0,"name":"conv1","op":"conv"}',NULL);
INSERT INTO span VALUES(44,40,2,42,2,'cpu',3330,3334,8081948950130,8081948950401,271,1,0,'{"span_id":44,"index":1,"name":"relu1","op":"relu"}',NULL);
INSERT INTO span VALUES(45,12,2,39,1,'cpu',3330,3334,8081948950932,8081948951303,371,1,0,'{"span_id":45,"feature":"output","src_type":"float32","dst_type":"gray8","bytes":1024}',NULL);
INSERT INTO span VALUES(46,4,2,NULL,0,NULL,3330,3334,8081948952034,8081948956613,4579,1,0,'{"span_id":46,"batch_size":1}',NULL);
INSERT INTO span VALUES(47,10,2,46,1,'cpu',3330,3334,8081948952414,8081948952825,411,1,0,'{"span_id":47,"feature":"image","src_type":"gray8","dst_type":"gray8","bytes":0}',NULL);
INSERT INTO span VALUES(48,11,2,46,1,'cpu',3330,3334,8081948953096,8081948953527,431,1,0,'{"span_id":48,"feature":"image","src_type":"gray8","dst_type":"float32","bytes":4096}',NULL);
INSERT INTO span VALUES(49,20,2,46,1,'cpu',3330,3334,8081948953817,8081948955681,1864,1,0,'{"span_id":49,"first_layer":0,"last_layer":1,"first_layer_name":"conv1","last_layer_name":"relu1"}',NULL);
INSERT INTO span VALUES(50,40,2,49,2,'cpu',3330,3334,8081948954278,8081948954679,401,1,0,'{"span_id":50,"index":0,"name":"conv1","op":"conv"}',NULL);
INSERT INTO span VALUES(51,40,2,49,2,'cpu',3330,3334,8081948955030,8081948955430,400,1,0,'{"span_id":51,"index":1,"name":"relu1","op":"relu"}',NULL);
INSERT INTO span VALUES(52,12,2,46,1,'cpu',3330,3334,8081948955951,8081948956342,391,1,0,'{"span_id":52,"feature":"output","src_type":"float32","dst_type":"gray8","bytes":1024}',NULL);
INSERT INTO span VALUES(53,4,2,NULL,0,NULL,3330,3334,8081948956903,8081948960950,4047,1,0,'{"span_id":53,"batch_size":1}',NULL);
INSERT INTO span VALUES(54,10,2,53,1,'cpu',3330,3334,8081948957274,8081948957724,450,1,0,'{"span_id":54,"feature":"image","src_type":"gray8","dst_type":"gray8","bytes":0}',NULL);
INSERT INTO span VALUES(55,11,2,53,1,'cpu',3330,3334,8081948958055,8081948958516,461,1,0,'{"span_id":55,"feature":"image","src_type":"gray8","dst_type":"float32","bytes":4096}',NULL);
INSERT INTO span VALUES(56,20,2,53,1,'cpu',3330,3334,8081948958757,8081948960229,1472,1,0,'{"span_id":56,"first_layer":0,"last_layer":1,"first_layer_name":"conv1","last_layer_name":"relu1"}',NULL);
INSERT INTO span VALUES(57,40,2,56,2,'cpu',3330,3334,8081948959097,8081948959448,351,1,0,'{"span_id":57,"index":0,"name":"conv1","op":"conv"}',NULL);
INSERT INTO span VALUES(58,40,2,56,2,'cpu',3330,3334,8081948959698,8081948959999,301,1,0,'{"span_id":58,"index":1,"name":"relu1","op":"relu"}',NULL);
INSERT INTO span VALUES(59,12,2,53,1,'cpu',3330,3334,8081948960450,8081948960740,290,1,0,'{"span_id":59,"feature":"output","src_type":"float32","dst_type":"gray8","bytes":1024}',NULL);
INSERT INTO span VALUES(60,4,2,NULL,0,NULL,3330,3334,8081948961201,8081948965108,3907,1,0,'{"span_id":60,"batch_size":1}',NULL);
INSERT INTO span VALUES(61,10,2,60,1,'cpu',3330,3334,8081948961532,8081948961862,330,1,0,'{"span_id":61,"feature":"image","src_type":"gray8","dst_type":"gray8","bytes":0}',NULL);
INSERT INTO span VALUES(62,11,2,60,1,'cpu',3330,3334,8081948962083,8081948962383,300,1,0,'{"span_id":62,"feature":"image","src_type":"gray8","dst_type":"float32","bytes":4096}',NULL);
INSERT INTO span VALUES(63,20,2,60,1,'cpu',3330,3334,8081948962654,8081948964297,1643,1,0,'{"span_id":63,"first_layer":0,"last_layer":1,"first_layer_name":"conv1","last_layer_name":"relu1"}',NULL);
INSERT INTO span VALUES(64,40,2,63,2,'cpu',3330,3334,8081948963145,8081948963546,401,1,0,'{"span_id":64,"index":0,"name":"conv1","op":"conv"}',NULL);
INSERT INTO span VALUES(65,40,2,63,2,'cpu',3330,3334,8081948963816,8081948964087,271,1,0,'{"span_id":65,"index":1,"name":"relu1","op":"relu"}',NULL);
INSERT INTO span VALUES(66,12,2,60,1,'cpu',3330,3334,8081948964517,8081948964828,311,1,0,'{"span_id":66,"feature":"output","src_type":"float32","dst_type":"gray8","bytes":1024}',NULL);
INSERT INTO span VALUES(67,4,2,NULL,0,NULL,3330,3334,8081948965449,8081948970298,4849,1,0,'{"span_id":67,"batch_size":1}',NULL);
INSERT INTO span VALUES(68,10,2,67,1,'cpu',3330,3334,8081948965840,8081948966311,471,1,0,'{"span_id":68,"feature":"image","src_type":"gray8","dst_type":"gray8","bytes":0}',NULL);
INSERT INTO span VALUES(69,11,2,67,1,'cpu',3330,3334,8081948966671,8081948967112,441,1,0,'{"span_id":69,"feature":"image","src_type":"gray8","dst_type":"float32","bytes":4096}',NULL);
INSERT INTO span VALUES(70,20,2,67,1,'cpu',3330,3334,8081948967433,8081948969276,1843,1,0,'{"span_id":70,"first_layer":0,"last_layer":1,"first_layer_name":"conv1","last_layer_name":"relu1"}',NULL);
INSERT INTO span VALUES(71,40,2,70,2,'cpu',3330,3334,8081948967783,8081948968224,441,1,0,'{"span_id":71,"index":0,"name":"conv1","op":"conv"}',NULL);
INSERT INTO span VALUES(72,40,2,70,2,'cpu',3330,3334,8081948968575,8081948969066,491,1,0,'{"span_id":72,"index":1,"name":"relu1","op":"relu"}',NULL);
INSERT INTO span VALUES(73,12,2,67,1,'cpu',3330,3334,8081948969537,8081948969987,450,1,0,'{"span_id":73,"feature":"output","src_type":"float32","dst_type":"gray8","bytes":1024}',NULL);
INSERT INTO span VALUES(74,4,1,NULL,0,NULL,3330,3335,8081949199638,8081949206932,7294,1,0,'{"span_id":74,"batch_size":1}',NULL);
INSERT INTO span VALUES(75,10,1,74,1,'cpu',3330,3335,8081949201842,8081949202604,762,1,0,'{"span_id":75,"feature":"image","src_type":"gray8","dst_type":"gray8","bytes":0}',NULL);
INSERT INTO span VALUES(76,11,1,74,1,'cpu',3330,3335,8081949202975,8081949203305,330,1,0,'{"span_id":76,"feature":"image","src_type":"gray8","dst_type":"float32","bytes":4096}',NULL);
INSERT INTO span VALUES(77,20,1,74,1,'cpu',3330,3335,8081949203686,8081949205850,2164,1,0,'{"span_id":77,"first_layer":0,"last_layer":1,"first_layer_name":"conv1","last_layer_name":"relu1"}',NULL);
INSERT INTO span VALUES(78,40,1,77,2,'cpu',3330,3335,8081949204217,8081949204918,701,1,0,'{"span_id":78,"index":0,"name":"conv1","op":"conv"}',NULL);
INSERT INTO span VALUES(79,40,1,77,2,'cpu',3330,3335,8081949205189,8081949205540,351,1,0,'{"span_id":79,"index":1,"name":"relu1","op":"relu"}',NULL);
INSERT INTO span VALUES(80,12,1,74,1,'cpu',3330,3335,8081949206150,8081949206581,431,1,0,'{"span_id":80,"feature":"output","src_type":"float32","dst_type":"gray8","bytes":1024}',NULL);
INSERT INTO span VALUES(81,4,1,NULL,0,NULL,3330,3335,8081949207323,8081949211080,3757,1,0,'{"span_id":81,"batch_size":1}',NULL);
INSERT INTO span VALUES(82,10,1,81,1,'cpu',3330,3335,8081949207653,8081949207934,281,1,0,'{"span_id":82,"feature":"image","src_type":"gray8","dst_type":"gray8","bytes":0}',NULL);
INSERT INTO span VALUES(83,11,1,81,1,'cpu',3330,3335,8081949208254,8081949208635,381,1,0,'{"span_id":83,"feature":"image","src_type":"gray8","dst_type":"float32","bytes":4096}',NULL);
INSERT INTO span VALUES(84,20,1,81,1,'cpu',3330,3335,8081949208886,8081949210328,1442,1,0,'{"span_id":84,"first_layer":0,"last_layer":1,"first_layer_name":"conv1","last_layer_name":"relu1"}',NULL);
INSERT INTO span VALUES(85,40,1,84,2,'cpu',3330,3335,8081949209327,8081949209637,310,1,0,'{"span_id":85,"index":0,"name":"conv1","op":"conv"}',NULL);
INSERT INTO span VALUES(86,40,1,84,2,'cpu',3330,3335,8081949209868,8081949210128,260,1,0,'{"span_id":86,"index":1,"name":"relu1","op":"relu"}',NULL);
INSERT INTO span VALUES(87,12,1,81,1,'cpu',3330,3335,8081949210529,8081949210799,270,1,0,'{"span_id":87,"feature":"output","src_type":"float32","dst_type":"gray8","bytes":1024}',NULL);
INSERT INTO span VALUES(88,4,1,NULL,0,NULL,3330,3335,8081949211370,8081949215348,3978,1,0,'{"span_id":88,"batch_size":1}',NULL);
INSERT INTO span VALUES(89,10,1,88,1,'cpu',3330,3335,8081949211671,8081949212062,391,1,0,'{"span_id":89,"feature":"image","src_type":"gray8","dst_type":"gray8","bytes":0}',NULL);
INSERT INTO span VALUES(90,11,1,88,1,'cpu',3330,3335,8081949212332,8081949212613,281,1,0,'{"span_id":90,"feature":"image","src_type":"gray8","dst_type":"float32","bytes":4096}',NULL);
INSERT INTO span VALUES(91,20,1,88,1,'cpu',3330,3335,8081949212833,8081949214376,1543,1,0,'{"span_id":91,"first_layer":0,"last_layer":1,"first_layer_name":"conv1","last_layer_name":"relu1"}',NULL);
INSERT INTO span VALUES(92,40,1,91,2,'cpu',3330,3335,8081949213214,8081949213544,330,1,0,'{"span_id":92,"index":0,"name":"conv1","op":"conv"}',NULL);
INSERT INTO span VALUES(93,40,1,91,2,'cpu',3330,3335,8081949213825,8081949214156,331,1,0,'{"span_id":93,"index":1,"name":"relu1","op":"relu"}',NULL);
INSERT INTO span VALUES(94,12,1,88,1,'cpu',3330,3335,8081949214657,8081949215067,410,1,0,'{"span_id":94,"feature":"output","src_type":"float32","dst_type":"gray8","bytes":1024}',NULL);
INSERT INTO span VALUES(95,4,1,NULL,0,NULL,3330,3335,8081949215638,8081949219716,4078,1,0,'{"span_id":95,"batch_size":1}',NULL);
INSERT INTO span VALUES(96,10,1,95,1,'cpu',3330,3335,8081949215989,8081949216340,351,1,0,'{"span_id":96,"feature":"image","src_type":"gray8","dst_type":"gray8","bytes":0}',NULL);
INSERT INTO span VALUES(97,11,1,95,1,'cpu',3330,3335,8081949216590,8081949216991,401,1,0,'{"span_id":97,"feature":"image","src_type":"gray8","dst_type":"float32","bytes":4096}',NULL);
INSERT INTO span VALUES(98,20,1,95,1,'cpu',3330,3335,8081949217251,8081949218874,1623,1,0,'{"span_id":98,"first_layer":0,"last_layer":1,"first_layer_name":"conv1","last_layer_name":"relu1"}',NULL);
INSERT INTO span VALUES(99,40,1,98,2,'cpu',3330,3335,8081949217642,8081949218003,361,1,0,'{"span_id":99,"index":0,"name":"conv1","op":"conv"}',NULL);
INSERT INTO span VALUES(100,40,1,98,2,'cpu',3330,3335,8081949218283,8081949218654,371,1,0,'{"span_id":100,"index":1,"name":"relu1","op":"relu"}',NULL);
INSERT INTO span VALUES(101,12,1,95,1,'cpu',3330,3335,8081949219085,8081949219466,381,1,0,'{"span_id":101,"feature":"output","src_type":"float32","dst_type":"gray8","bytes":1024}',NULL);
INSERT INTO span VALUES(102,4,1,NULL,0,NULL,3330,3335,8081949219976,8081949223743,3767,1,0,'{"span_id":102,"batch_size":1}',NULL);
INSERT INTO span VALUES(103,10,1,102,1,'cpu',3330,3335,8081949220247,8081949220638,391,1,0,'{"span_id":103,"feature":"image","src_type":"gray8","dst_type":"gray8","bytes":0}',NULL);
INSERT INTO span VALUES(104,11,1,102,1,'cpu',3330,3335,8081949220898,8081949221159,261,1,0,'{"span_id":104,"feature":"image","src_type":"gray8","dst_type":"float32","bytes":4096}',NULL);
INSERT INTO span VALUES(105,20,1,102,1,'cpu',3330,3335,8081949221369,8081949222782,1413,1,0,'{"span_id":105,"first_layer":0,"last_layer":1,"first_layer_name":"conv1","last_layer_name":"relu1"}',NULL);
INSERT INTO span VALUES(106,40,1,105,2,'cpu',3330,3335,8081949221650,8081949221950,300,1,0,'{"span_id":106,"index":0,"name":"conv1","op":"conv"}',NULL);
INSERT INTO span VALUES(107,40,1,105,2,'cpu',3330,3335,8081949222211,8081949222571,360,1,0,'{"span_id":107,"index":1,"name":"relu1","op":"relu"}',NULL);
INSERT INTO span VALUES(108,12,1,102,1,'cpu',3330,3335,8081949223072,8081949223483,411,1,0,'{"span_id":108,"feature":"output","src_type":"float32","dst_type":"gray8","bytes":1024}',NULL);
INSERT INTO span VALUES(109,5,1,NULL,0,NULL,3330,3330,8081949260753,8081951722411,2461658,1,0,'{"span_id":109,"batch_size":4}',NULL);
INSERT INTO span VALUES(110,22,1,109,1,'npu',3330,3337,8081949494121,8081951635327,2141206,1,0,'{"span_id":110,"first_layer":0,"last_layer":3,"first_layer_name":"conv1","last_layer_name":"fc","end_tid":3336}',NULL);
INSERT INTO span VALUES(111,31,1,110,2,'npu',3330,3336,8081949536069,8081951626511,2090442,1,0,'{"span_id":111,"what":"segment 0-3"}',NULL);
INSERT INTO span VALUES(112,4,2,NULL,0,NULL,3330,3330,8081951743250,8081952826021,1082771,1,0,'{"span_id":112,"batch_size":1}',NULL);
INSERT INTO span VALUES(113,21,2,112,1,'gpu',3330,3330,8081951744422,8081952825480,1081058,1,0,'{"span_id":113,"first_layer":0,"last_layer":0,"first_layer_name":"conv1","last_layer_name":"conv1"}',NULL);
INSERT INTO span VALUES(114,30,2,113,2,'gpu',3330,3330,8081951745053,8081952820531,1075478,1,0,'{"span_id":114,"what":"conv1"}',NULL);
INSERT INTO span VALUES(115,3,1,NULL,0,NULL,3330,3330,8081952826933,8081952827664,731,1,0,'{"span_id":115}',NULL);
INSERT INTO span VALUES(116,10,1,NULL,0,'cpu',3338,3338,8081970942805,8081970953385,10580,1,0,'{"span_id":1,"feature":"feature-0","src_type":"none","dst_type":"none","bytes":0}',NULL);
INSERT INTO span VALUES(117,10,1,NULL,0,'cpu',3338,3338,8081970953876,8081970954387,511,1,0,'{"span_id":2,"feature":"","src_type":"none","dst_type":"none","bytes":1}',NULL);
INSERT INTO span VALUES(118,10,1,NULL,0,'cpu',3338,3338,8081970955159,8081970955589,430,1,0,'{"span_id":3,"feature":"feature-2","src_type":"none","dst_type":"none","bytes":2}',NULL);
INSERT INTO span VALUES(119,10,1,NULL,0,'cpu',3338,3338,8081970955870,8081970956181,311,1,0,'{"span_id":4,"feature":"","src_type":"none","dst_type":"none","bytes":3}',NULL);
INSERT INTO span VALUES(120,10,1,NULL,0,'cpu',3338,3338,8081970956561,8081970956882,321,1,0,'{"span_id":5,"feature":"feature-4","src_type":"none","dst_type":"none","bytes":4}',NULL);
INSERT INTO span VALUES(121,10,1,NULL,0,'cpu',3338,3338,8081970957132,8081970957443,311,1,0,'{"span_id":6,"feature":"","src_type":"none","dst_type":"none","bytes":5}',NULL);
INSERT INTO span VALUES(122,4,1,NULL,0,NULL,3342,3342,8081989666288,8081989682629,16341,1,0,'{"span_id":1,"batch_size":1}',NULL);
INSERT INTO span VALUES(123,10,1,122,1,'cpu',3342,3342,8081989675676,8081989676998,1322,1,0,'{"span_id":2,"feature":"image","src_type":"gray8","dst_type":"gray8","bytes":0}',NULL);
INSERT INTO span VALUES(124,11,1,122,1,'cpu',3342,3342,8081989677519,8081989678130,611,1,0,'{"span_id":3,"feature":"image","src_type":"gray8","dst_type":"float32","bytes":4096}',NULL);
INSERT INTO span VALUES(125,20,1,122,1,'cpu',3342,3342,8081989678862,8081989681717,2855,1,0,'{"span_id":4,"first_layer":0,"last_layer":1,"first_layer_name":"conv1","last_layer_name":"relu1"}',NULL);
INSERT INTO span VALUES(126,40,1,125,2,'cpu',3342,3342,8081989680445,8081989680895,450,1,0,'{"span_id":5,"index":0,"name":"conv1","op":"conv"}',NULL);
INSERT INTO span VALUES(127,40,1,125,2,'cpu',3342,3342,8081989681166,8081989681436,270,1,0,'{"span_id":6,"index":1,"name":"relu1","op":"relu"}',NULL);
INSERT INTO span VALUES(128,12,1,122,1,'cpu',3342,3342,8081989681957,8081989682268,311,1,0,'{"span_id":7,"feature":"output","src_type":"float32","dst_type":"gray8","bytes":1024}',NULL);
INSERT INTO span VALUES(129,4,1,NULL,0,NULL,3342,3342,8081989683010,8081989686356,3346,1,0,'{"span_id":8,"batch_size":1}',NULL);
INSERT INTO span VALUES(130,10,1,129,1,'cpu',3342,3342,8081989683320,8081989683600,280,1,0,'{"span_id":9,"feature":"image","src_type":"gray8","dst_type":"gray8","bytes":0}',NULL);
INSERT INTO span VALUES(131,11,1,129,1,'cpu',3342,3342,8081989683851,8081989684152,301,1,0,'{"span_id":10,"feature":"image","src_type":"gray8","dst_type":"float32","bytes":4096}',NULL);
INSERT INTO span VALUES(132,20,1,129,1,'cpu',3342,3342,8081989684372,8081989685644,1272,1,0,'{"span_id":11,"first_layer":0,"last_layer":1,"first_layer_name":"conv1","last_layer_name":"relu1"}',NULL);
INSERT INTO span VALUES(133,40,1,132,2,'cpu',3342,3342,8081989684682,8081989684943,261,1,0,'{"span_id":12,"index":0,"name":"conv1","op":"conv"}',NULL);
INSERT INTO span VALUES(134,40,1,132,2,'cpu',3342,3342,8081989685163,8081989685424,261,1,0,'{"span_id":13,"index":1,"name":"relu1","op":"relu"}',NULL);
INSERT INTO span VALUES(135,12,1,129,1,'cpu',3342,3342,8081989685865,8081989686135,270,1,0,'{"span_id":14,"feature":"output","src_type":"float32","dst_type":"gray8","bytes":1024}',NULL);
INSERT INTO span VALUES(136,4,1,NULL,0,NULL,3342,3342,8081989686586,8081989690033,3447,1,0,'{"span_id":15,"batch_size":1}',NULL);
INSERT INTO span VALUES(137,10,1,136,1,'cpu',3342,3342,8081989686887,8081989687187,300,1,0,'{"span_id":16,"feature":"image","src_type":"gray8","dst_type":"gray8","bytes":0}',NULL);
INSERT INTO span VALUES(138,11,1,136,1,'cpu',3342,3342,8081989687398,8081989687678,280,1,0,'{"span_id":17,"feature":"image","src_type":"gray8","dst_type":"float32","bytes":4096}',NULL);
INSERT INTO span VALUES(139,20,1,136,1,'cpu',3342,3342,8081989687889,8081989689291,1402,1,0,'{"span_id":18,"first_layer":0,"last_layer":1,"first_layer_name":"conv1","last_layer_name":"relu1"}',NULL);
INSERT INTO span VALUES(140,40,1,139,2,'cpu',3342,3342,8081989688199,8081989688510,311,1,0,'{"span_id":19,"index":0,"name":"conv1","op":"conv"}',NULL);
INSERT INTO span VALUES(141,40,1,139,2,'cpu',3342,3342,8081989688750,8081989689071,321,1,0,'{"span_id":20,"index":1,"name":"relu1","op":"relu"}',NULL);
INSERT INTO span VALUES(142,12,1,136,1,'cpu',3342,3342,8081989689522,8081989689822,300,1,0,'{"span_id":21,"feature":"output","src_type":"float32","dst_type":"gray8","bytes":1024}',NULL);
INSERT INTO span VALUES(143,4,1,NULL,0,NULL,3342,3342,8081989690263,8081989690844,581,0,0,'{"span_id":22,"batch_size":1}','process_died');
INSERT INTO span VALUES(144,20,1,143,1,'cpu',3342,3342,8081989690844,8081989690844,0,0,0,'{"span_id":23,"first_layer":0,"last_layer":1,"first_layer_name":"conv1","last_layer_name":"relu1"}','process_died');
CREATE TABLE lost_events (
  id        INTEGER PRIMARY KEY,
  start_ns  INTEGER NOT NULL,
  end_ns    INTEGER NOT NULL,
  count     INTEGER NOT NULL,              -- events, or packets if packets=1
  packets   INTEGER NOT NULL DEFAULT 0,
  stream    TEXT
);
CREATE TABLE span_kind_stats (
  kind_id     INTEGER NOT NULL REFERENCES span_kind (id),
  model_id    INTEGER REFERENCES model (id),
  pid         INTEGER,
  count       INTEGER NOT NULL,
  incomplete  INTEGER NOT NULL,
  total_ns    INTEGER NOT NULL,
  avg_ns      REAL,
  min_ns      INTEGER,
  median_ns   INTEGER,
  max_ns      INTEGER,
  stddev_ns   REAL,
  max_dur_ns  INTEGER NOT NULL
);
INSERT INTO span_kind_stats VALUES(1,1,NULL,1,0,10159,10159.0,10159,10159,10159,0.0,10159);
INSERT INTO span_kind_stats VALUES(1,1,3330,1,0,10159,10159.0,10159,10159,10159,0.0,10159);
INSERT INTO span_kind_stats VALUES(2,1,NULL,1,0,681,681.0,681,681,681,0.0,681);
INSERT INTO span_kind_stats VALUES(2,1,3330,1,0,681,681.0,681,681,681,0.0,681);
INSERT INTO span_kind_stats VALUES(2,2,NULL,1,0,511,511.0,511,511,511,0.0,511);
INSERT INTO span_kind_stats VALUES(2,2,3330,1,0,511,511.0,511,511,511,0.0,511);
INSERT INTO span_kind_stats VALUES(4,1,NULL,13,1,69901,5377.0,3346,3978,16341,3480.2351158418109661,16341);
INSERT INTO span_kind_stats VALUES(4,1,3330,10,0,46767,4676.6999999999998181,3606,4017,8225,1565.0276706818956426,8225);
INSERT INTO span_kind_stats VALUES(4,1,3342,3,1,23134,7711.3333333333330299,3346,3447,16341,6102.2351278491032645,16341);
INSERT INTO span_kind_stats VALUES(10,1,NULL,19,0,18926,996.10526315789468298,261,390,10580,2273.4514890646319144,10580);
INSERT INTO span_kind_stats VALUES(10,1,3330,10,0,4560,456.0,261,390,891,195.19016368659563909,891);
INSERT INTO span_kind_stats VALUES(10,1,3338,6,0,12464,2077.3333333333334849,311,375,10580,3803.2227854223256144,10580);
INSERT INTO span_kind_stats VALUES(10,1,3342,3,0,1902,634.0,280,300,1322,486.55797873086680739,1322);
INSERT INTO span_kind_stats VALUES(11,1,NULL,13,0,4480,344.61538461538464162,261,330,611,88.375543485686890218,611);
INSERT INTO span_kind_stats VALUES(11,1,3330,10,0,3288,328.80000000000001137,261,335,401,46.89733467906251718,401);
INSERT INTO span_kind_stats VALUES(11,1,3342,3,0,1192,397.33333333333331438,280,301,611,151.32819374532368783,611);
INSERT INTO span_kind_stats VALUES(20,1,NULL,13,1,21980,1690.7692307692307168,1272,1543,2855,424.08855277137104166,2855);
INSERT INTO span_kind_stats VALUES(20,1,3330,10,0,16451,1645.099999999999909,1413,1548,2164,265.14503578230539915,2164);
INSERT INTO span_kind_stats VALUES(20,1,3342,3,1,5529,1843.0,1272,1402,2855,717.55743091871511296,2855);
INSERT INTO span_kind_stats VALUES(40,1,NULL,26,0,8983,345.49999999999999999,260,330,701,89.988567649964892325,701);
INSERT INTO span_kind_stats VALUES(40,1,3330,20,0,7109,355.44999999999998862,260,340,701,93.774983337775097425,701);
INSERT INTO span_kind_stats VALUES(40,1,3342,6,0,1874,312.33333333333331439,261,290,450,65.943578577110571357,450);
INSERT INTO span_kind_stats VALUES(12,1,NULL,13,0,4486,345.0769230769230944,270,340,431,61.55105640343387563,431);
INSERT INTO span_kind_stats VALUES(12,1,3330,10,0,3605,360.5,270,385,431,61.678602448499106002,431);
INSERT INTO span_kind_stats VALUES(12,1,3342,3,0,881,293.66666666666668562,270,300,311,17.326921891156036537,311);
INSERT INTO span_kind_stats VALUES(4,2,NULL,6,0,1109370,184895.0,3907,4714,1082771,401546.41663615097059,1082771);
INSERT INTO span_kind_stats VALUES(4,2,3330,6,0,1109370,184895.0,3907,4714,1082771,401546.41663615097059,1082771);
INSERT INTO span_kind_stats VALUES(10,2,NULL,5,0,2604,520.7999999999999545,330,450,942,216.03832993244509452,942);
INSERT INTO span_kind_stats VALUES(10,2,3330,5,0,2604,520.7999999999999545,330,450,942,216.03832993244509452,942);
INSERT INTO span_kind_stats VALUES(11,2,NULL,5,0,2044,408.80000000000001137,300,431,461,56.739404297190148438,461);
INSERT INTO span_kind_stats VALUES(11,2,3330,5,0,2044,408.80000000000001137,300,431,461,56.739404297190148438,461);
INSERT INTO span_kind_stats VALUES(20,2,NULL,5,0,8805,1761.0,1472,1843,1983,181.14193330093394251,1983);
INSERT INTO span_kind_stats VALUES(20,2,3330,5,0,8805,1761.0,1472,1843,1983,181.14193330093394251,1983);
INSERT INTO span_kind_stats VALUES(40,2,NULL,10,0,3909,390.89999999999997725,271,400,581,93.477751363626623518,581);
INSERT INTO span_kind_stats VALUES(40,2,3330,10,0,3909,390.89999999999997725,271,400,581,93.477751363626623518,581);
INSERT INTO span_kind_stats VALUES(12,2,NULL,5,0,1813,362.60000000000002272,290,371,450,57.357126845754741852,450);
INSERT INTO span_kind_stats VALUES(12,2,3330,5,0,1813,362.60000000000002272,290,371,450,57.357126845754741852,450);
INSERT INTO span_kind_stats VALUES(5,1,NULL,1,0,2461658,2461658.0,2461658,2461658,2461658,0.0,2461658);
INSERT INTO span_kind_stats VALUES(5,1,3330,1,0,2461658,2461658.0,2461658,2461658,2461658,0.0,2461658);
INSERT INTO span_kind_stats VALUES(22,1,NULL,1,0,2141206,2141206.0,2141206,2141206,2141206,0.0,2141206);
INSERT INTO span_kind_stats VALUES(22,1,3330,1,0,2141206,2141206.0,2141206,2141206,2141206,0.0,2141206);
INSERT INTO span_kind_stats VALUES(31,1,NULL,1,0,2090442,2090442.0,2090442,2090442,2090442,0.0,2090442);
INSERT INTO span_kind_stats VALUES(31,1,3330,1,0,2090442,2090442.0,2090442,2090442,2090442,0.0,2090442);
INSERT INTO span_kind_stats VALUES(21,2,NULL,1,0,1081058,1081058.0,1081058,1081058,1081058,0.0,1081058);
INSERT INTO span_kind_stats VALUES(21,2,3330,1,0,1081058,1081058.0,1081058,1081058,1081058,0.0,1081058);
INSERT INTO span_kind_stats VALUES(30,2,NULL,1,0,1075478,1075478.0,1075478,1075478,1075478,0.0,1075478);
INSERT INTO span_kind_stats VALUES(30,2,3330,1,0,1075478,1075478.0,1075478,1075478,1075478,0.0,1075478);
INSERT INTO span_kind_stats VALUES(3,1,NULL,1,0,731,731.0,731,731,731,0.0,731);
INSERT INTO span_kind_stats VALUES(3,1,3330,1,0,731,731.0,731,731,731,0.0,731);
INSERT INTO span_kind_stats VALUES(1,NULL,NULL,1,0,10159,10159.0,10159,10159,10159,0.0,10159);
INSERT INTO span_kind_stats VALUES(1,NULL,3330,1,0,10159,10159.0,10159,10159,10159,0.0,10159);
INSERT INTO span_kind_stats VALUES(2,NULL,NULL,2,0,1192,596.0,511,596,681,85.0,681);
INSERT INTO span_kind_stats VALUES(2,NULL,3330,2,0,1192,596.0,511,596,681,85.0,681);
INSERT INTO span_kind_stats VALUES(3,NULL,NULL,1,0,731,731.0,731,731,731,0.0,731);
INSERT INTO span_kind_stats VALUES(3,NULL,3330,1,0,731,731.0,731,731,731,0.0,731);
INSERT INTO span_kind_stats VALUES(4,NULL,NULL,19,1,1179271,62066.894736842106792,3346,4057,1082771,240601.62964379953336,1082771);
INSERT INTO span_kind_stats VALUES(4,NULL,3330,16,0,1156137,72258.562500000000001,3606,4067,1082771,260918.63256362336687,1082771);
INSERT INTO span_kind_stats VALUES(4,NULL,3342,3,1,23134,7711.3333333333330299,3346,3447,16341,6102.2351278491032645,16341);
INSERT INTO span_kind_stats VALUES(5,NULL,NULL,1,0,2461658,2461658.0,2461658,2461658,2461658,0.0,2461658);
INSERT INTO span_kind_stats VALUES(5,NULL,3330,1,0,2461658,2461658.0,2461658,2461658,2461658,0.0,2461658);
INSERT INTO span_kind_stats VALUES(10,NULL,NULL,24,0,21530,897.08333333333337119,261,391,10580,2034.3985785457305156,10580);
INSERT INTO span_kind_stats VALUES(10,NULL,3330,15,0,7164,477.60000000000002273,261,391,942,204.67072742985664036,942);
INSERT INTO span_kind_stats VALUES(10,NULL,3338,6,0,12464,2077.3333333333334849,311,375,10580,3803.2227854223256144,10580);
INSERT INTO span_kind_stats VALUES(10,NULL,3342,3,0,1902,634.0,280,300,1322,486.55797873086680739,1322);
INSERT INTO span_kind_stats VALUES(11,NULL,NULL,18,0,6524,362.44444444444445707,261,351,611,85.799004282115461702,611);
INSERT INTO span_kind_stats VALUES(11,NULL,3330,15,0,5332,355.46666666666664013,261,361,461,62.941101215519118738,461);
INSERT INTO span_kind_stats VALUES(11,NULL,3342,3,0,1192,397.33333333333331438,280,301,611,151.32819374532368783,611);
INSERT INTO span_kind_stats VALUES(12,NULL,NULL,18,0,6299,349.94444444444445707,270,355,450,60.922967957014023455,450);
INSERT INTO span_kind_stats VALUES(12,NULL,3330,15,0,5418,361.19999999999998863,270,381,450,60.280676837606925744,450);
INSERT INTO span_kind_stats VALUES(12,NULL,3342,3,0,881,293.66666666666668562,270,300,311,17.326921891156036537,311);
INSERT INTO span_kind_stats VALUES(20,NULL,NULL,18,1,30785,1710.2777777777778282,1272,1573,2855,374.16110694541362135,2855);
INSERT INTO span_kind_stats VALUES(20,NULL,3330,15,0,25256,1683.7333333333333485,1413,1593,2164,246.55721896189169229,2164);
INSERT INTO span_kind_stats VALUES(20,NULL,3342,3,1,5529,1843.0,1272,1402,2855,717.55743091871511296,2855);
INSERT INTO span_kind_stats VALUES(21,NULL,NULL,1,0,1081058,1081058.0,1081058,1081058,1081058,0.0,1081058);
INSERT INTO span_kind_stats VALUES(21,NULL,3330,1,0,1081058,1081058.0,1081058,1081058,1081058,0.0,1081058);
INSERT INTO span_kind_stats VALUES(22,NULL,NULL,1,0,2141206,2141206.0,2141206,2141206,2141206,0.0,2141206);
INSERT INTO span_kind_stats VALUES(22,NULL,3330,1,0,2141206,2141206.0,2141206,2141206,2141206,0.0,2141206);
INSERT INTO span_kind_stats VALUES(30,NULL,NULL,1,0,1075478,1075478.0,1075478,1075478,1075478,0.0,1075478);
INSERT INTO span_kind_stats VALUES(30,NULL,3330,1,0,1075478,1075478.0,1075478,1075478,1075478,0.0,1075478);
INSERT INTO span_kind_stats VALUES(31,NULL,NULL,1,0,2090442,2090442.0,2090442,2090442,2090442,0.0,2090442);
INSERT INTO span_kind_stats VALUES(31,NULL,3330,1,0,2090442,2090442.0,2090442,2090442,2090442,0.0,2090442);
INSERT INTO span_kind_stats VALUES(40,NULL,NULL,36,0,12892,358.11111111111108584,260,340,701,93.216229445836134457,701);
INSERT INTO span_kind_stats VALUES(40,NULL,3330,30,0,11018,367.2666666666666515,260,351,701,95.154937981285129923,701);
INSERT INTO span_kind_stats VALUES(40,NULL,3342,6,0,1874,312.33333333333331439,261,290,450,65.943578577110571357,450);
CREATE TABLE span_summary (
  level     INTEGER NOT NULL,
  kind_id   INTEGER NOT NULL,
  model_id  INTEGER NOT NULL,                -- 0 when the span has no model
  bucket    INTEGER NOT NULL,                -- start_ns / bucket_ns
  count     INTEGER NOT NULL,
  busy_ns   INTEGER NOT NULL,
  PRIMARY KEY (level, kind_id, model_id, bucket)
) WITHOUT ROWID;
CREATE TABLE thread_summary (
  level     INTEGER NOT NULL,
  kind_id   INTEGER NOT NULL,
  pid       INTEGER NOT NULL,
  tid       INTEGER NOT NULL,
  model_id  INTEGER NOT NULL,
  bucket    INTEGER NOT NULL,
  count     INTEGER NOT NULL,
  busy_ns   INTEGER NOT NULL,
  PRIMARY KEY (level, kind_id, pid, tid, model_id, bucket)
) WITHOUT ROWID;
CREATE TABLE span_overlap (
  lane         TEXT NOT NULL,
  kind_id      INTEGER,
  model_id     INTEGER,
  pid          INTEGER,
  tid          INTEGER,
  depth        INTEGER NOT NULL,
  count        INTEGER NOT NULL,
  max_overlap  INTEGER NOT NULL
);
CREATE INDEX span_model_kind_start ON span (model_id, kind_id, start_ns);
CREATE INDEX span_parent ON span (parent_id);
CREATE UNIQUE INDEX span_kind_stats_key
  ON span_kind_stats (kind_id, ifnull (model_id, 0), ifnull (pid, -1));
CREATE VIEW span_view AS
  SELECT s.id, k.lane, k.label AS kind, m.name AS model, s.unit,
         s.pid, p.name AS process, s.tid, t.name AS thread,
         s.start_ns, s.end_ns, s.dur_ns, s.complete, s.incomplete_reason,
         s.status, s.parent_id, s.depth, s.args
  FROM span s
  JOIN span_kind k ON k.id = s.kind_id
  LEFT JOIN model m ON m.id = s.model_id
  LEFT JOIN process p ON p.pid = s.pid
  LEFT JOIN thread t ON t.tid = s.tid AND t.process_id = p.id;
CREATE VIEW span_kind_stats_view AS
  SELECT k.lane, k.label AS kind,
         CASE WHEN st.model_id IS NULL THEN '(all models)' ELSE m.name END
           AS model,
         st.pid,
         CASE WHEN st.pid IS NULL THEN '(all processes)' ELSE p.name END
           AS process,
         st.count, st.incomplete, st.total_ns, st.avg_ns, st.min_ns,
         st.median_ns, st.max_ns, st.stddev_ns
  FROM span_kind_stats st
  JOIN span_kind k ON k.id = st.kind_id
  LEFT JOIN model m ON m.id = st.model_id
  LEFT JOIN process p ON p.pid = st.pid;
CREATE INDEX span_kind_start ON span (kind_id, start_ns);
CREATE INDEX span_kind_dur ON span (kind_id, dur_ns) WHERE dur_ns >= 64000;
CREATE INDEX span_incomplete ON span (start_ns) WHERE complete = 0;
CREATE INDEX span_thread_kind_start ON span (pid, tid, kind_id, start_ns);
COMMIT;
