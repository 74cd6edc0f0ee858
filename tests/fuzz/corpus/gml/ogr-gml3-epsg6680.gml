<?xml version="1.0" encoding="utf-8" ?>
<ogr:FeatureCollection
     xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
     
     xmlns:ogr="http://ogr.maptools.org/"
     xmlns:gml="http://www.opengis.net/gml">
  <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::6680"><gml:lowerCorner>-221523.476326274 -103553.97064219</gml:lowerCorner><gml:upperCorner>-144210.130103204 -53253.5233601501</gml:upperCorner></gml:Envelope></gml:boundedBy>
                                                                                                               
  <ogr:featureMember>
    <ogr:shelters gml:id="shelters.0">
      <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::6680"><gml:lowerCorner>-155317.671253302 -61544.9241474767</gml:lowerCorner><gml:upperCorner>-144210.130103204 -53253.5233601501</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Polygon srsName="urn:ogc:def:crs:EPSG::6680"><gml:exterior><gml:LinearRing><gml:posList>-155249.807315406 -61544.9241474767 -155317.671253302 -53338.9018032894 -144210.130103204 -53253.5233601501 -155249.807315406 -61544.9241474767</gml:posList></gml:LinearRing></gml:exterior><gml:interior><gml:LinearRing><gml:posList>-153042.659736901 -59884.5555772142 -153049.688946892 -59064.2155073844 -151938.938260429 -59054.762618937 -153042.659736901 -59884.5555772142</gml:posList></gml:LinearRing></gml:interior></gml:Polygon></ogr:geometryProperty>
      <ogr:id>1</ogr:id>
      <ogr:name>青葉小学校</ogr:name>
      <ogr:capacity>350</ogr:capacity>
      <ogr:note>A &amp; B &lt;main&gt;</ogr:note>
    </ogr:shelters>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:shelters gml:id="shelters.1">
      <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::6680"><gml:lowerCorner>-221523.476326274 -103553.97064219</gml:lowerCorner><gml:upperCorner>-188406.682715266 -78329.957379261</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:MultiSurface srsName="urn:ogc:def:crs:EPSG::6680"><gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>-221407.35907324 -103553.97064219 -221523.476326274 -95269.5294067478 -210416.927271012 -95120.2003167952 -221407.35907324 -103553.97064219</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember><gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>-199416.70630018 -86712.1723139742 -199513.535302423 -78453.7909042286 -188406.682715266 -78329.957379261 -199416.70630018 -86712.1723139742</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember></gml:MultiSurface></ogr:geometryProperty>
      <ogr:id>2</ogr:id>
      <ogr:name>North School</ogr:name>
      <ogr:capacity xsi:nil="true"/>
      <ogr:note></ogr:note>
    </ogr:shelters>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:shelters gml:id="shelters.2">
      <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::6680"><gml:lowerCorner>-160725.967665099 -69806.7087363088</gml:lowerCorner><gml:upperCorner>-160725.967665099 -69806.7087363088</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::6680"><gml:pos>-160725.967665099 -69806.7087363088</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:id>3</ogr:id>
      <ogr:name>錦岡</ogr:name>
      <ogr:capacity>40</ogr:capacity>
      <ogr:note>津波</ogr:note>
    </ogr:shelters>
  </ogr:featureMember>
</ogr:FeatureCollection>
